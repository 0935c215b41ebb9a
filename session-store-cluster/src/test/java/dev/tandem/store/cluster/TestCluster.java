package dev.tandem.store.cluster;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * N cluster-store nodes in this JVM, each with its own cluster endpoint on a free loopback port and
 * its own disk copy, for web-app {@code test-app}. Nodes are named {@code a}, {@code b}, ... (index
 * chars equal names). Closes what it started.
 */
final class TestCluster implements AutoCloseable {
    static final String SECRET = "test-secret-for-the-cluster-store";

    private final Path directory;
    private final String list;
    private final int size;
    private final Map<String, String> extra;
    private final SessionStore[] nodes;

    TestCluster(Path directory, int size, Map<String, String> extra) {
        this.directory = directory;
        this.size = size;
        this.extra = extra;
        this.nodes = new SessionStore[size];
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < size; i++) {
            s.append(name(i)).append("=127.0.0.1:").append(freePort()).append(' ');
        }
        this.list = s.toString().trim();
    }

    static String name(int index) {
        return String.valueOf((char) ('a' + index));
    }

    String list() {
        return list;
    }

    Map<String, String> parameters(int index) {
        Map<String, String> p = new HashMap<>(extra);
        p.put("cluster", list);
        p.put("server-id", name(index));
        p.put("cluster-secret", SECRET);
        p.put("path", directory.resolve("node-" + name(index)).toString());
        // A node that was stopped is tried again soon, so tests need not wait 15 s.
        p.putIfAbsent("recover-time", "1s");
        p.putIfAbsent("socket-timeout", "20s");
        return p;
    }

    SessionStore start(int index) {
        StoreContext context = new StoreContext("test-app", parameters(index), Clock.systemUTC(), Duration.ofMinutes(30),
                getClass().getClassLoader());
        nodes[index] = new ClusterStoreProvider().create(context);
        return nodes[index];
    }

    TestCluster startAll() {
        for (int i = 0; i < size; i++) {
            start(i);
        }
        return this;
    }

    SessionStore node(int index) {
        return nodes[index];
    }

    /** Closes the node's store and its endpoint, as if the server stopped. */
    void stop(int index) {
        if (nodes[index] != null) {
            nodes[index].close();
            nodes[index] = null;
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < size; i++) {
            try {
                stop(i);
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
