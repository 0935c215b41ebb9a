package dev.tandem.benchmarks.dispatch;

import dev.tandem.dispatch.DispatchFilter;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The web tier of the dispatch benchmark: Jetty 12 with the {@link DispatchFilter} on {@code /*},
 * forwarding to {@code args[0]} (a {@code cluster} value). Prints {@code READY <port>}.
 */
public final class WebTierMain {
    private WebTierMain() {}

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        FilterHolder filter = new FilterHolder(DispatchFilter.class);
        filter.setAsyncSupported(true);
        filter.setInitParameter("cluster", args[0]);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        System.out.println("READY " + connector.getLocalPort());
        server.join();
    }
}
