package dev.tandem.dispatch;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A web-tier node: embedded Jetty (or Tomcat) with the {@link DispatchFilter} on {@code /*} and,
 * behind it, a servlet answering {@code local <path>} for what the rules serve here. Default
 * connector limits (8 KB of request headers), as a real deployment would have.
 */
final class WebTier implements AutoCloseable {
    private final AutoCloseable server;
    private final int port;
    final DispatchFilter filter;

    private WebTier(AutoCloseable server, int port, DispatchFilter filter) {
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
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException("web tier did not stop: " + e, e);
        }
    }

    /** Answers what the rules serve on the web tier itself. */
    private static final class LocalServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("local " + request.getRequestURI());
        }
    }

    static final class Builder {
        private final Map<String, String> params = new LinkedHashMap<>();
        private int connectionsPerServer = Forwarder.MAX_CONNECTIONS_PER_SERVER;
        private Clock clock = Clock.systemUTC();

        Builder param(String name, String value) {
            params.put(name, value);
            return this;
        }

        /** Caps the filter's backend connections per app server, so that requests queue for one. */
        Builder connectionsPerServer(int n) {
            connectionsPerServer = n;
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
            DispatchFilter filter = new DispatchFilter(clock, connectionsPerServer);
            FilterHolder holder = new FilterHolder(filter);
            holder.setName("tandem-dispatch");
            holder.setAsyncSupported(true);
            holder.setInitParameters(params);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
            ServletHolder local = new ServletHolder(new LocalServlet());
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
            return new WebTier(server::stop, connector.getLocalPort(), filter);
        }

        /** The same web tier on embedded Tomcat 11 (NIO connector, default thread pool). */
        WebTier startOnTomcat() {
            Path base;
            try {
                base = Files.createTempDirectory("tandem-web-tier");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(base.toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", base.toString());
            DispatchFilter filter = new DispatchFilter(clock, connectionsPerServer);
            FilterDef def = new FilterDef();
            def.setFilterName("tandem-dispatch");
            def.setFilterClass(DispatchFilter.class.getName());
            def.setFilter(filter);
            def.setAsyncSupported("true");
            params.forEach(def::addInitParameter);
            context.addFilterDef(def);
            FilterMap mapping = new FilterMap();
            mapping.setFilterName("tandem-dispatch");
            mapping.addURLPattern("/*");
            mapping.setDispatcher("REQUEST");
            context.addFilterMap(mapping);
            Wrapper local = Tomcat.addServlet(context, "local", new LocalServlet());
            local.setAsyncSupported(true);
            context.addServletMappingDecoded("/", "local");
            AutoCloseable stop = () -> {
                tomcat.stop();
                tomcat.destroy();
            };
            try {
                tomcat.start();
            } catch (LifecycleException e) {
                closeQuietly(stop);
                throw new IllegalStateException("web tier did not start on Tomcat: " + e, e);
            }
            if (!context.getState().isAvailable()) {
                closeQuietly(stop);
                throw new IllegalStateException("the dispatch filter did not start on Tomcat; see the log");
            }
            return new WebTier(stop, connector.getLocalPort(), filter);
        }

        private static void closeQuietly(AutoCloseable server) {
            try {
                server.close();
            } catch (Exception ignored) {
                // already failing
            }
        }
    }
}
