package dev.tandem.examples;

import java.util.List;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * The demo: serves the example web-apps on embedded Jetty on 127.0.0.1, each configured by its
 * own {@code WEB-INF/web.xml} exactly as a user would deploy it.
 *
 * <p>Usage: {@code Demo [--port 8080]}. Port 0 picks a free port (tests use it).
 */
public final class Demo {
    static final List<String> WEB_APPS = List.of("counter", "counter-saved", "cart");

    private final Server server;
    private final ServerConnector connector;

    private Demo(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static void main(String[] args) throws Exception {
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("usage: demo.sh [--port N]   (default 8080)");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'; try --help");
            }
        }
        Demo demo = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::stop, "demo-shutdown"));
        String base = "http://127.0.0.1:" + demo.port();
        System.out.println();
        System.out.println("Tandem demo is up. Try:");
        System.out.println("  " + base + "/counter/          Resin's counter, changed in place (see the page for what that means)");
        System.out.println("  " + base + "/counter-saved/    the same with always-save-session=true");
        System.out.println("  " + base + "/cart/             log in, fill a cart, log out");
        System.out.println("  curl -c j -b j " + base + "/counter/    (run it twice: count=1, then count=2)");
        System.out.println("Ctrl-C stops it; sessions are saved on a graceful stop.");
        demo.server.join();
    }

    /** Starts the demo on {@code port} (0: any free port). */
    public static Demo start(int port) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        org.eclipse.jetty.server.handler.ContextHandlerCollection contexts =
                new org.eclipse.jetty.server.handler.ContextHandlerCollection();
        ResourceFactory resources = ResourceFactory.of(server);
        for (String name : WEB_APPS) {
            WebAppContext app = new WebAppContext();
            app.setContextPath("/" + name);
            app.setBaseResource(resources.newClassLoaderResource("webapps/" + name));
            // The example classes and Tandem come from the launcher's class path, as WEB-INF/lib would.
            app.setParentLoaderPriority(true);
            app.setThrowUnavailableOnStartupException(true);
            contexts.addHandler(app);
        }
        server.setHandler(contexts);
        server.start();
        return new Demo(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("demo did not stop cleanly: " + e);
        }
    }
}
