package dev.tandem.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Servers on 127.0.0.1 with ports bound up front (port 0), so every node's cluster list names the
 * real ports and no port is ever guessed.
 */
final class TestCluster implements AutoCloseable {
    static final String SECRET = "s3cret-for-tests-7f41c9";

    private final Map<String, ServerSocket> sockets = new LinkedHashMap<>();
    private final List<ClusterEndpoint> endpoints = new ArrayList<>();
    private final String list;

    TestCluster(String... names) {
        StringBuilder s = new StringBuilder();
        try {
            for (String name : names) {
                ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                sockets.put(name, socket);
                s.append(name).append("=127.0.0.1:").append(socket.getLocalPort()).append(' ');
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        }
        list = s.toString().trim();
    }

    String list() {
        return list;
    }

    /** The server socket bound for {@code name}; a test may serve it by hand instead of with an endpoint. */
    ServerSocket socket(String name) {
        return sockets.get(name);
    }

    ClusterConfig config(String name, Map<String, String> extra) {
        Map<String, String> params = new HashMap<>(Map.of(ClusterConfig.CLUSTER, list, ClusterConfig.SERVER_ID, name,
                ClusterConfig.CLUSTER_SECRET, SECRET));
        params.putAll(extra);
        return ClusterConfig.parse(params, k -> null);
    }

    ClusterMember member(String name) {
        return config(name, Map.of()).self();
    }

    ClusterEndpoint start(String name) {
        return start(name, Map.of(), Clock.systemUTC());
    }

    ClusterEndpoint start(String name, Map<String, String> extra, Clock clock) {
        return start(config(name, extra), clock, sockets.get(name));
    }

    ClusterEndpoint start(ClusterConfig config, Clock clock, ServerSocket socket) {
        ClusterEndpoint endpoint = ClusterEndpoint.start(config, clock, socket);
        endpoints.add(endpoint);
        return endpoint;
    }

    @Override
    public void close() {
        for (ClusterEndpoint e : endpoints) {
            e.close();
        }
        for (ServerSocket s : sockets.values()) {
            OutboundConnection.closeQuietly(s);
        }
    }
}
