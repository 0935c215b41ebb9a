package dev.tandem.examples.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The whole demo on 127.0.0.1: three app nodes, each in its own JVM, and the {@link DemoWebTier}
 * (the dispatch filter) in this one. {@link #close} stops everything; the nodes also stop by
 * themselves when this JVM dies, since their stdin closes.
 */
public final class DemoCluster implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final String HOST = "127.0.0.1";

    private final DemoOptions options;
    private final Map<String, NodeProcess> nodes;
    private final List<Integer> httpPorts;
    private DemoWebTier webTier;

    private DemoCluster(DemoOptions options, Map<String, NodeProcess> nodes, List<Integer> httpPorts) {
        this.options = options;
        this.nodes = nodes;
        this.httpPorts = httpPorts;
    }

    /** Starts the app nodes (in parallel; each is serving when this returns) and then the web tier. */
    public static DemoCluster start(DemoOptions options) throws IOException {
        List<Integer> httpPorts = options.httpPorts().stream().map(DemoCluster::portOrFree).toList();
        List<Integer> clusterPorts = options.clusterPorts().stream().map(DemoCluster::portOrFree).toList();
        List<String> names = DemoOptions.NODES;
        String clusterList = NodeProcess.clusterList(HOST, names, clusterPorts);
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String clusterSecret = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path workDir = options.workDir().toAbsolutePath();
        Files.createDirectories(workDir);

        Map<String, NodeProcess> nodes = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Path dir = workDir.resolve(name);
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dtandem.server-id=" + name, "-Dtandem.cluster-secret=" + clusterSecret,
                    "-cp", System.getProperty("java.class.path"), AppNode.class.getName(),
                    "--http-port", String.valueOf(httpPorts.get(i)), "--store", options.store().toString(),
                    "--dir", dir.toString(), "--cluster", clusterList);
            nodes.put(name, new NodeProcess(name, command, dir.resolve("node.log")));
        }
        DemoCluster demo = new DemoCluster(options, nodes, httpPorts);
        try {
            inParallel(nodes.values(), node -> node.startUnchecked(START_TIMEOUT));
            demo.webTier = DemoWebTier.start(options.webPort(), NodeProcess.clusterList(HOST, names, httpPorts), demo);
            return demo;
        } catch (CompletionException e) {
            demo.close();
            throw e.getCause() instanceof UncheckedIOException u ? u.getCause() : new IOException(e.getCause());
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
    }

    private static int portOrFree(int port) {
        if (port != 0) {
            return port;
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    public DemoOptions options() {
        return options;
    }

    /** The web tier's base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String webUrl() {
        return "http://" + HOST + ":" + webTier.port();
    }

    public List<String> nodeNames() {
        return List.copyOf(nodes.keySet());
    }

    /** The node's own HTTP address (bypassing the web tier). */
    public String nodeUrl(String name) {
        return "http://" + HOST + ":" + httpPorts.get(nodeNames().indexOf(node(name).name()));
    }

    public boolean alive(String name) {
        return node(name).alive();
    }

    public long pid(String name) {
        return node(name).pid();
    }

    public Path log(String name) {
        return node(name).log();
    }

    /** Kills the node's JVM like a crash ({@code SIGKILL}): in-place changes never saved are lost. */
    public void kill(String name) {
        node(name).kill();
    }

    /** Starts the node again (if it is not running) and returns when it serves. */
    public void restart(String name) throws IOException {
        node(name).start(START_TIMEOUT);
    }

    private NodeProcess node(String name) {
        NodeProcess node = nodes.get(name);
        if (node == null) {
            throw new IllegalArgumentException("no node '" + name + "'; the nodes are " + nodes.keySet());
        }
        return node;
    }

    /** Stops the web tier, then every node gracefully (in parallel), killing what does not stop. */
    @Override
    public void close() {
        if (webTier != null) {
            webTier.close();
        }
        inParallel(nodes.values(), NodeProcess::stop);
    }

    /** Runs {@code action} on every node, one thread each (the common pool has one thread on two cores). */
    private static void inParallel(Collection<NodeProcess> nodes, Consumer<NodeProcess> action) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (NodeProcess node : nodes) {
            CompletableFuture<Void> future = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    action.accept(node);
                    future.complete(null);
                } catch (Throwable t) {
                    future.completeExceptionally(t);
                }
            }, "demo-" + node.name());
            thread.setDaemon(true);
            thread.start();
            done.add(future);
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
    }

    @Override
    public String toString() {
        return nodes.values().stream().map(n -> n.name() + (n.alive() ? " pid " + n.pid() : " down"))
                .collect(Collectors.joining(", "));
    }
}
