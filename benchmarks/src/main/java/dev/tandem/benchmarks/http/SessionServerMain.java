package dev.tandem.benchmarks.http;

import dev.tandem.session.SessionFilter;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An app node of the HTTP benchmarks: Jetty 12 serving {@link BenchServlet} with either Jetty's own
 * in-memory sessions ({@code jetty}, the anchor) or Tandem's {@link SessionFilter}, whose init-params
 * are the {@code key=value} arguments. Prints {@code READY <port>}.
 *
 * <p>Usage: {@code SessionServerMain <port or 0> jetty} or
 * {@code SessionServerMain <port or 0> tandem persistent-store=file path=/tmp/x ...}
 */
public final class SessionServerMain {
    private SessionServerMain() {}

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        boolean jetty = args[1].equals("jetty");
        ServletContextHandler context = new ServletContextHandler(jetty ? ServletContextHandler.SESSIONS : 0);
        context.setContextPath("/");
        if (!jetty) {
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 2; i < args.length; i++) {
                int eq = args[i].indexOf('=');
                params.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            }
            FilterHolder filter = new FilterHolder(SessionFilter.class);
            filter.setAsyncSupported(true);
            filter.setInitParameters(params);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC,
                    DispatcherType.ERROR));
        }
        context.addServlet(new ServletHolder(new BenchServlet()), "/");
        server.setHandler(context);
        server.start();
        if (!context.isAvailable()) {
            server.stop();
            throw new IllegalStateException("the web-app did not start; see the log above");
        }
        System.out.println("READY " + connector.getLocalPort());
        System.out.flush();
        server.join();
    }
}
