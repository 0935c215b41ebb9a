package dev.tandem.testing;

import dev.tandem.session.SessionFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 (ee10), with its own session support present but unused, as in a real deployment. */
final class JettyServer implements RunningServer {
    private final Server server;
    private final int port;

    private JettyServer(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    static JettyServer start(WebApp app) {
        Server server = new Server();
        // Large enough for the 10 KB session cookies of the bad-input tests to reach the filter.
        org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
        http.setRequestHeaderSize(32 * 1024);
        ServerConnector connector = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath(app.contextPath.isEmpty() ? "/" : app.contextPath);
        if (app.cookieName != null) {
            context.getSessionHandler().getSessionCookieConfig().setName(app.cookieName);
        }
        app.cookieAttributes.forEach((k, v) -> context.getSessionHandler().getSessionCookieConfig().setAttribute(k, v));
        if (app.trackingModes != null) {
            context.getSessionHandler().setSessionTrackingModes(app.trackingModes);
        }
        if (app.withFilter) {
            FilterHolder filter = new FilterHolder(SessionFilter.class);
            filter.setName("tandem-sessions");
            filter.setAsyncSupported(true);
            filter.setInitParameters(app.filterParams);
            context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
        }
        for (Map.Entry<String, Servlet> servlet : app.servlets.entrySet()) {
            ServletHolder holder = new ServletHolder(servlet.getValue());
            holder.setAsyncSupported(true);
            context.addServlet(holder, servlet.getKey());
        }
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // already failing
            }
            throw new IllegalStateException("Jetty did not start: " + e, e);
        }
        return new JettyServer(server, connector.getLocalPort());
    }

    @Override
    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop: " + e, e);
        }
    }
}
