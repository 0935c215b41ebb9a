package dev.tandem.chaos;

import dev.tandem.dispatch.DispatchFilter;
import dev.tandem.examples.demo.AppNode;
import dev.tandem.examples.demo.NodeProcess;
import dev.tandem.examples.demo.StoreChoice;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The system under test on 127.0.0.1: N app nodes, each the examples' {@link AppNode} in its own JVM
 * serving the chaos {@link LedgerServlet} on the cluster store (or another, {@code --store}), and a web tier in this JVM with the
 * {@link DispatchFilter} in front of them. Node names are {@code app-a}, {@code app-b}, ...
 */
final class ChaosCluster implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final String HOST = "127.0.0.1";

    private final Map<String, NodeProcess> nodes;
    private final Server webTier;
    private final ServerConnector connector;

    private ChaosCluster(Map<String, NodeProcess> nodes, Server webTier, ServerConnector connector) {
        this.nodes = nodes;
        this.webTier = webTier;
        this.connector = connector;
    }

    static ChaosCluster start(ChaosOptions options) throws Exception {
        List<String> names = new ArrayList<>();
        List<Integer> httpPorts = new ArrayList<>();
        List<Integer> clusterPorts = new ArrayList<>();
        for (int i = 0; i < options.nodes(); i++) {
            names.add("app-" + (char) ('a' + i));
            httpPorts.add(freePort());
            clusterPorts.add(freePort());
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String clusterSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path workDir = options.workDir().toAbsolutePath();
        Files.createDirectories(workDir);

        Map<String, NodeProcess> nodes = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Path dir = workDir.resolve(name);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    // Times in the node logs, to line them up with the runner's events.log and violations.
                    "-Dorg.slf4j.simpleLogger.showDateTime=true",
                    "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                    "-Dtandem.server-id=" + name, "-Dtandem.cluster-secret=" + clusterSecret,
                    "-cp", System.getProperty("java.class.path"), AppNode.class.getName(),
                    "--http-port", String.valueOf(httpPorts.get(i)), "--store", options.store().toString(),
                    "--dir", dir.toString(), "--cluster", NodeProcess.clusterList(HOST, names, clusterPorts),
                    "--web-apps", "chaos"));
            if (options.store() == StoreChoice.CLUSTER) {
                command.addAll(List.of("--param", "backup-mode=" + options.backupMode()));
            }
            nodes.put(name, new NodeProcess(name, command, dir.resolve("node.log")));
        }
        List<CompletableFuture<Void>> started = new ArrayList<>();
        for (NodeProcess node : nodes.values()) {
            started.add(CompletableFuture.runAsync(() -> node.startUnchecked(START_TIMEOUT),
                    runnable -> daemon(runnable, node.name())));
        }
        try {
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            nodes.values().forEach(NodeProcess::kill);
            throw e;
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(HOST);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        FilterHolder dispatch = new FilterHolder(new DispatchFilter());
        dispatch.setName("tandem-dispatch");
        dispatch.setAsyncSupported(true);
        // As the demo's web tier: a killed node is tried again after 2 s, connecting gives up after 1 s.
        Map<String, String> params = new HashMap<>(Map.of("cluster", NodeProcess.clusterList(HOST, names, httpPorts),
                "recover-time", "2s", "connect-timeout", "1s"));
        if (options.balancer() == ChaosOptions.Balancer.ROUND_ROBIN) {
            // Sticky routing reads the session cookie: a name no client sends leaves every request to
            // the round-robin balancer, as behind a balancer that knows nothing of sessions.
            params.put("cookie-name", "CHAOS_NOT_STICKY");
        }
        dispatch.setInitParameters(params);
        context.addFilter(dispatch, "/*", EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        if (!context.isAvailable()) {
            server.stop();
            nodes.values().forEach(NodeProcess::kill);
            throw new IllegalStateException("the dispatch filter did not start; see the log above");
        }
        return new ChaosCluster(nodes, server, connector);
    }

    private static void daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, "chaos-start-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    /** The ledger app's URL through the web tier. */
    String appUrl() {
        return "http://" + HOST + ":" + connector.getLocalPort() + "/chaos/";
    }

    List<String> nodeNames() {
        return List.copyOf(nodes.keySet());
    }

    NodeProcess node(String name) {
        return nodes.get(name);
    }

    @Override
    public void close() {
        try {
            webTier.stop();
        } catch (Exception e) {
            System.err.println("the web tier did not stop cleanly: " + e);
        }
        List<Thread> stopping = new ArrayList<>();
        for (NodeProcess node : nodes.values()) {
            Thread thread = new Thread(node::stop, "chaos-stop-" + node.name());
            thread.start();
            stopping.add(thread);
        }
        for (Thread thread : stopping) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
