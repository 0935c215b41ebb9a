package dev.tandem.examples.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * An app node: embedded Jetty on 127.0.0.1 serving the example web-apps, each from its own
 * {@code WEB-INF/web.xml} exactly as a user would deploy it. The demo's only change: after the
 * descriptor is processed and before the filters start, the init-params in {@code sessionParams}
 * replace those of the filter named {@value #SESSION_FILTER} (the store and its params).
 *
 * <p>Run as a JVM of its own by the demo launcher: {@code AppNode --http-port N --store cluster
 * --dir DIR --cluster "app-a=127.0.0.1:6801 ..."} (server id and cluster secret as
 * {@code -Dtandem.server-id}, {@code -Dtandem.cluster-secret}); {@code --web-apps a,b} serves other
 * web-apps from the class path and {@code --param name=value} adds or overrides a session filter
 * init-param (the chaos runner uses both). It prints {@code READY <port>} when
 * it serves, and stops gracefully when its standard input closes, so it never outlives the launcher.
 */
public final class AppNode implements AutoCloseable {
    public static final List<String> WEB_APPS = List.of("counter", "counter-saved", "cart");
    static final String SESSION_FILTER = "tandem-sessions";

    private final Server server;
    private final ServerConnector connector;

    private AppNode(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static void main(String[] args) throws Exception {
        int port = 0;
        StoreChoice store = StoreChoice.CLUSTER;
        Path dir = null;
        String cluster = "";
        List<String> webApps = WEB_APPS;
        Map<String, String> extraParams = new java.util.LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--http-port" -> port = Integer.parseInt(args[++i]);
                case "--store" -> store = StoreChoice.parse(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--cluster" -> cluster = args[++i];
                case "--web-apps" -> webApps = List.of(args[++i].split(","));
                case "--param" -> {
                    String param = args[++i];
                    int eq = param.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--param takes name=value, not '" + param + "'");
                    }
                    extraParams.put(param.substring(0, eq), param.substring(eq + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required: this node's own directory");
        }
        Map<String, String> params = new java.util.LinkedHashMap<>(store.sessionParams(dir, cluster));
        params.putAll(extraParams);
        AppNode node = start(port, webApps, params);
        System.out.println("READY " + node.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the launcher closes our stdin to stop us (or dies, which closes it too)
        }
        node.close();
        System.exit(0);
    }

    /** Serves the example web-apps on {@code port} (0: any free port) with the given store params. */
    public static AppNode start(int port, Map<String, String> sessionParams) throws Exception {
        return start(port, WEB_APPS, sessionParams);
    }

    /**
     * Serves the named web-apps (each from {@code webapps/NAME} on the class path, at {@code /NAME})
     * on {@code port} with the given store params.
     */
    public static AppNode start(int port, List<String> webApps, Map<String, String> sessionParams) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        ResourceFactory resources = ResourceFactory.of(server);
        for (String name : webApps) {
            WebAppContext app = new WebAppContext() {
                @Override
                protected void startWebapp() throws Exception {
                    // web.xml has been processed; the filters are not initialized yet.
                    FilterHolder filter = getServletHandler().getFilter(SESSION_FILTER);
                    if (filter == null) {
                        throw new IllegalStateException("web-app " + name + " declares no filter named "
                                + SESSION_FILTER + " to configure");
                    }
                    sessionParams.forEach(filter::setInitParameter);
                    super.startWebapp();
                }
            };
            app.setContextPath("/" + name);
            app.setBaseResource(resources.newClassLoaderResource("webapps/" + name));
            // The example classes and Tandem come from the node's class path, as WEB-INF/lib would.
            app.setParentLoaderPriority(true);
            app.setThrowUnavailableOnStartupException(true);
            contexts.addHandler(app);
        }
        server.setHandler(contexts);
        server.setStopAtShutdown(true);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new AppNode(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("app node did not stop cleanly: " + e);
        }
    }
}
