package dev.tandem.examples.demo;

import dev.tandem.dispatch.DispatchFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The demo's web tier: embedded Jetty on 127.0.0.1 with the {@link DispatchFilter} on {@code /*}
 * in front of the app nodes, its status page at {@value #STATUS_PATH}, and the demo's own controls
 * at {@code /demo/} (served here, not forwarded): a page listing the nodes, and
 * {@code POST /demo/kill?node=app-b} / {@code POST /demo/restart?node=app-b}.
 */
final class DemoWebTier implements AutoCloseable {
    static final String STATUS_PATH = "/tandem-status";

    private final Server server;
    private final ServerConnector connector;

    private DemoWebTier(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    static DemoWebTier start(int port, String appNodes, DemoCluster demo) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        Map<String, String> params = new LinkedHashMap<>();
        params.put("cluster", appNodes);
        params.put("rules", "^/$ -> local\n^/demo/ -> local");
        params.put("status-path", STATUS_PATH);
        // A killed node is tried again after 2 s, so a restarted one gets its sessions back quickly.
        params.put("recover-time", "2s");
        params.put("connect-timeout", "1s");
        FilterHolder dispatch = new FilterHolder(new DispatchFilter());
        dispatch.setName("tandem-dispatch");
        dispatch.setAsyncSupported(true);
        dispatch.setInitParameters(params);
        context.addFilter(dispatch, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Controls(demo)), "/");
        server.setHandler(context);
        try {
            server.start();
            if (!context.isAvailable()) {
                throw new IllegalStateException("the dispatch filter did not start; see the log above");
            }
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new IllegalStateException("the web tier did not start on port " + port + ": " + e, e);
        }
        return new DemoWebTier(server, connector);
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("the web tier did not stop cleanly: " + e);
        }
    }

    /** The demo controls: local-only (loopback clients), for a demo on one machine. */
    private static final class Controls extends HttpServlet {
        private final transient DemoCluster demo;

        Controls(DemoCluster demo) {
            this.demo = demo;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (!"/demo/".equals(request.getRequestURI())) {
                response.sendRedirect("/demo/");
                return;
            }
            response.setContentType("text/html;charset=utf-8");
            PrintWriter out = response.getWriter();
            out.println("<!doctype html><title>Tandem demo</title><h1>Tandem demo</h1>");
            out.println("<p>Store: <b>" + demo.options().store() + "</b>. Try <a href=\"/cart/\">/cart/</a>, "
                    + "<a href=\"/counter/\">/counter/</a>, <a href=\"/counter-saved/\">/counter-saved/</a>; "
                    + "the balancer's view: <a href=\"" + STATUS_PATH + "\">" + STATUS_PATH + "</a>.</p>");
            out.println("<table><tr><th>node</th><th>state</th><th></th></tr>");
            for (String name : demo.nodeNames()) {
                boolean alive = demo.alive(name);
                out.println("<tr><td>" + name + "</td><td>" + (alive ? "running, pid " + demo.pid(name) : "down")
                        + "</td><td><form method=post action=\"/demo/" + (alive ? "kill" : "restart") + "?node=" + name
                        + "\"><button>" + (alive ? "Kill (SIGKILL)" : "Restart") + "</button></form></td></tr>");
            }
            out.println("</table>");
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (!InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
                response.sendError(403, "the demo controls are for this machine only");
                return;
            }
            if (!fromThisSite(request)) {
                response.sendError(403, "the demo controls answer only their own page (or a client that sends no Origin)");
                return;
            }
            String node = request.getParameter("node");
            if (node == null || !demo.nodeNames().contains(node)) {
                response.sendError(400, "node must be one of " + demo.nodeNames());
                return;
            }
            switch (request.getRequestURI()) {
                case "/demo/kill" -> demo.kill(node);
                case "/demo/restart" -> demo.restart(node);
                default -> {
                    response.sendError(404, "POST /demo/kill?node=NAME or /demo/restart?node=NAME");
                    return;
                }
            }
            String accept = request.getHeader("Accept");
            if (accept != null && accept.contains("text/html")) {
                response.sendRedirect("/demo/");
                return;
            }
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().println(node + (demo.alive(node) ? " running, pid " + demo.pid(node) : " down"));
        }

        /**
         * A cross-site form post: any page the developer's browser opens could press the buttons. A
         * browser says where a post comes from (Origin, Sec-Fetch-Site); curl says nothing and is let in.
         */
        private static boolean fromThisSite(HttpServletRequest request) {
            String site = request.getHeader("Sec-Fetch-Site");
            if (site != null && !site.equals("same-origin") && !site.equals("none")) {
                return false;
            }
            String origin = request.getHeader("Origin");
            return origin == null || origin.equals(request.getScheme() + "://" + request.getHeader("Host"));
        }
    }
}
