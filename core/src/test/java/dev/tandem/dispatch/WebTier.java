package dev.tandem.dispatch;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A web-tier node: embedded Jetty with the {@link DispatchFilter} on {@code /*} and, behind it, a
 * servlet answering {@code local <path>} for what the rules serve here. Default connector limits
 * (8 KB of request headers), as a real deployment would have.
 */
final class WebTier implements AutoCloseable {
    private final Server server;
    private final int port;
    final DispatchFilter filter;

    private WebTier(Server server, int port, DispatchFilter filter) {
        this.server = server;
        this.port = port;
        this.filter = filter;
    }

    static Builder with(String name, String value) {
        return new Builder().param(name, value);
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("web tier did not stop: " + e, e);
        }
    }

    static final class Builder {
        private final Map<String, String> params = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();

        Builder param(String name, String value) {
            params.put(name, value);
            return this;
        }

        /** The filter's clock, for tests that move recover-time along instead of waiting for it. */
        Builder clock(Clock c) {
            clock = c;
            return this;
        }

        WebTier start() {
            return start(0);
        }

        WebTier start(int port) {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            DispatchFilter filter = new DispatchFilter(clock);
            FilterHolder holder = new FilterHolder(filter);
            holder.setName("tandem-dispatch");
            holder.setAsyncSupported(true);
            holder.setInitParameters(params);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
            ServletHolder local = new ServletHolder(new HttpServlet() {
                @Override
                protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    response.setContentType("text/plain");
                    response.getWriter().print("local " + request.getRequestURI());
                }
            });
            local.setAsyncSupported(true);
            context.addServlet(local, "/");
            server.setHandler(context);
            try {
                server.start();
            } catch (Exception e) {
                try {
                    server.stop();
                } catch (Exception ignored) {
                    // already failing
                }
                throw new IllegalStateException("web tier did not start: " + e, e);
            }
            if (!context.isAvailable()) {
                try {
                    server.stop();
                } catch (Exception ignored) {
                    // already failing
                }
                throw new IllegalStateException("the dispatch filter did not start; see the log");
            }
            return new WebTier(server, connector.getLocalPort(), filter);
        }
    }
}
