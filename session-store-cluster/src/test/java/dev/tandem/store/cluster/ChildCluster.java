package dev.tandem.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.testing.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Three cluster nodes {@code a}, {@code b}, {@code c} as separate JVMs ({@link ChildNode}), each with
 * its own directory, HTTP port and cluster port; closing kills whichever still run.
 */
final class ChildCluster implements AutoCloseable {
    static final String[] NAMES = {"a", "b", "c"};

    private final Path directory;
    private final int[] clusterPorts = new int[NAMES.length];
    private final String list;
    private final ChildNode[] nodes = new ChildNode[NAMES.length];
    private final List<ChildNode> started = new ArrayList<>();

    private ChildCluster(Path directory) {
        this.directory = directory;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            clusterPorts[i] = TestCluster.freePort();
            s.append(NAMES[i]).append("=127.0.0.1:").append(clusterPorts[i]).append(' ');
        }
        this.list = s.toString().trim();
    }

    static ChildCluster start(Path directory, String backupMode) {
        ChildCluster cluster = new ChildCluster(directory);
        List<CompletableFuture<ChildNode>> starting = new ArrayList<>();
        for (String name : NAMES) {
            starting.add(cluster.track(ChildNode.start(name, cluster.list, directory, backupMode)));
        }
        for (int i = 0; i < NAMES.length; i++) {
            cluster.nodes[i] = ChildNode.awaitReady(starting.get(i));
        }
        return cluster;
    }

    private CompletableFuture<ChildNode> track(CompletableFuture<ChildNode> starting) {
        return starting.thenApply(node -> {
            synchronized (started) {
                started.add(node);
            }
            return node;
        });
    }

    String list() {
        return list;
    }

    int clusterPort(int node) {
        return clusterPorts[node];
    }

    ChildNode node(int index) {
        return nodes[index];
    }

    /** kill -9. */
    void kill(int node) {
        nodes[node].kill();
    }

    /** The probe servlet's counter of the client's session, on {@code node}; fails on a status other than 200. */
    String count(TestClient client, int node) {
        HttpResponse<String> r = client.get(nodes[node].uri("/app/probe/count"));
        assertEquals(200, r.statusCode(), "node " + NAMES[node] + ": " + r.body());
        return r.body();
    }

    /** Whether {@code node}'s disk copy (one session log of records) holds session {@code id}. */
    boolean holds(int node, String id) {
        return holds(directory.resolve("node-" + NAMES[node]).resolve("log").resolve("app"), id);
    }

    /**
     * Whether the disk copy directory {@code copies} holds session {@code id}: the last record of the
     * id in its log (segments {@code log-*.seg}; records framed by magic "TNDL", length, type, id) is a
     * copy or a copy delta, not a tombstone. Read without the store, which the node holds open.
     */
    static boolean holds(Path copies, String id) {
        if (!Files.isDirectory(copies)) {
            return false;
        }
        byte[] wanted = id.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        boolean holds = false;
        try (Stream<Path> files = Files.list(copies)) {
            for (Path segment : files.filter(f -> f.getFileName().toString().startsWith("log-")).sorted().toList()) {
                java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(Files.readAllBytes(segment));
                int at = 0;
                while (at + 41 <= in.capacity() && in.getInt(at) == 0x544E444C && in.getInt(at + 4) >= 45) {
                    byte[] recordId = new byte[wanted.length];
                    in.get(at + 9, recordId);
                    if (java.util.Arrays.equals(recordId, wanted)) {
                        holds = in.get(at + 8) == 5 || in.get(at + 8) == 6;
                    }
                    at += in.getInt(at + 4);
                }
            }
            return holds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        synchronized (started) {
            for (ChildNode node : started) {
                node.kill();
            }
        }
    }
}
