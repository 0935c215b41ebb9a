package dev.tandem.testing;

import dev.tandem.session.SessionFilter;
import jakarta.servlet.Servlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Embedded Tomcat 11 with one context. */
final class TomcatServer implements RunningServer {
    private final Tomcat tomcat;
    private final int port;

    private TomcatServer(Tomcat tomcat, int port) {
        this.tomcat = tomcat;
        this.port = port;
    }

    static TomcatServer start(WebApp app) {
        Path base;
        try {
            base = Files.createTempDirectory("tandem-tomcat");
            Files.createDirectories(base.resolve("webapps"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        // Large enough for the 10 KB session cookies of the bad-input tests to reach the filter.
        connector.setProperty("maxHttpRequestHeaderSize", String.valueOf(32 * 1024));
        tomcat.setConnector(connector);
        Context context = tomcat.addContext(app.contextPath, base.toString());
        if (app.withFilter) {
            FilterDef filter = new FilterDef();
            filter.setFilterName("tandem-sessions");
            filter.setFilterClass(SessionFilter.class.getName());
            filter.setAsyncSupported("true");
            app.filterParams.forEach(filter::addInitParameter);
            context.addFilterDef(filter);
            FilterMap mapping = new FilterMap();
            mapping.setFilterName("tandem-sessions");
            mapping.addURLPattern("/*");
            mapping.setDispatcher("REQUEST");
            mapping.setDispatcher("ASYNC");
            mapping.setDispatcher("ERROR");
            context.addFilterMap(mapping);
        }
        int n = 0;
        for (Map.Entry<String, Servlet> servlet : app.servlets.entrySet()) {
            String name = "servlet" + n++;
            Wrapper wrapper = Tomcat.addServlet(context, name, servlet.getValue());
            wrapper.setAsyncSupported(true);
            context.addServletMappingDecoded(servlet.getKey(), name);
        }
        if (app.cookieName != null || !app.cookieAttributes.isEmpty() || app.trackingModes != null) {
            // As web.xml's <cookie-config> would: through SessionCookieConfig while the context starts.
            context.addServletContainerInitializer((classes, servletContext) -> {
                if (app.cookieName != null) {
                    servletContext.getSessionCookieConfig().setName(app.cookieName);
                }
                app.cookieAttributes.forEach(servletContext.getSessionCookieConfig()::setAttribute);
                if (app.trackingModes != null) {
                    servletContext.setSessionTrackingModes(app.trackingModes);
                }
            }, null);
        }
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not start: " + e, e);
        }
        if (!context.getState().isAvailable()) {
            close(tomcat);
            throw new IllegalStateException("Tomcat context " + app.contextPath + " did not start; see the log");
        }
        return new TomcatServer(tomcat, connector.getLocalPort());
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
        close(tomcat);
    }

    private static void close(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop: " + e, e);
        }
    }
}
