package dev.tandem.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, item 2: a client without the secret opens many silent connections to a cluster port, as
 * fast as they are closed, while two servers keep talking to each other over it.
 */
class ClusterPortJamTest {
    private final TestCluster cluster = new TestCluster("a", "b");
    private final List<Socket> jam = new ArrayList<>();

    @AfterEach
    void close() {
        jam.forEach(OutboundConnection::closeQuietly);
        cluster.close();
    }

    @Test
    void silentConnectionsFromAnAddressOutsideTheClusterListDoNotKeepPeersOut() throws Exception {
        ClusterEndpoint a = cluster.start("a");
        ClusterEndpoint b = cluster.start("b");
        a.register("shop", (from, type, payload) -> CompletableFuture.completedFuture(payload));
        b.register("shop", (from, type, payload) -> CompletableFuture.completedFuture(payload));
        ClusterMember onA = cluster.member("a");
        // Twice the handshake slots, from 127.0.0.2 (loopback, but not an address in the cluster list).
        for (int i = 0; i < 2 * ClusterEndpoint.MAX_HANDSHAKES; i++) {
            jam.add(silentConnection("127.0.0.2", onA));
        }
        for (int i = 0; i < 50; i++) {
            // New connections each time: the idle sweep and a restart make peers connect again and again.
            assertEquals("from-b-" + i, new String(b.request(onA, "shop", 7, ("from-b-" + i).getBytes(UTF_8))
                    .get(10, TimeUnit.SECONDS), UTF_8));
            assertEquals("from-a-" + i, new String(a.request(cluster.member("b"), "shop", 7,
                    ("from-a-" + i).getBytes(UTF_8)).get(10, TimeUnit.SECONDS), UTF_8));
            if (i % 10 == 0) {
                for (int k = 0; k < 10; k++) {
                    jam.add(silentConnection("127.0.0.2", onA));
                }
            }
        }
        assertTrue(b.isUp(onA), "b never marked a down");
    }

    private static Socket silentConnection(String from, ClusterMember to) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(to.host(), to.port()), 2_000);
        return s;
    }
}
