package dev.tandem.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import dev.tandem.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DownPeerTest {
    private final TestCluster cluster = new TestCluster("a", "b");
    private final TestClock clock = new TestClock();

    @AfterEach
    void close() {
        cluster.close();
    }

    private static Throwable failure(CompletableFuture<byte[]> f) {
        return assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS)).getCause();
    }

    @Test
    void aPeerThatFailsToConnectIsNotTriedAgainUntilTheRecoverTime() throws Exception {
        // "b" is at first a process that accepts connections and drops them at once.
        ServerSocket dropper = cluster.socket("b");
        int port = dropper.getLocalPort();
        AtomicInteger attempts = new AtomicInteger();
        Thread dropping = new Thread(() -> {
            while (true) {
                try (Socket s = dropper.accept()) {
                    attempts.incrementAndGet();
                } catch (IOException e) {
                    return; // closed by the test
                }
            }
        });
        dropping.start();
        ClusterEndpoint a = cluster.start("a", Map.of("recover-time", "15s"), clock);
        ClusterMember b = cluster.member("b");
        assertTrue(a.isUp(b), "not known to be down before the first try");

        assertInstanceOf(PeerUnavailableException.class, failure(a.request(b, "shop", 2, new byte[0])));
        // A connection closed during the handshake is tried once more at once (the peer's slots may have been full).
        Await.until("the second try", Duration.ofSeconds(10), () -> attempts.get() == 2);
        assertFalse(a.isUp(b));

        clock.advance(Duration.ofSeconds(14));
        for (int i = 0; i < 5; i++) {
            CompletableFuture<byte[]> call = a.request(b, "shop", 2, new byte[0]);
            assertTrue(call.isDone(), "a call to a known-down peer fails without waiting");
            Throwable e = failure(call);
            assertInstanceOf(PeerUnavailableException.class, e);
            assertTrue(e.getMessage().contains("is down"), e.getMessage());
        }
        assertEquals(2, attempts.get(), "no connection attempt within the recover time");

        clock.advance(Duration.ofSeconds(1));
        assertTrue(a.isUp(b), "worth trying again");
        assertInstanceOf(PeerUnavailableException.class, failure(a.request(b, "shop", 2, new byte[0])));
        Await.until("tried again (twice) after the recover time", Duration.ofSeconds(10), () -> attempts.get() == 4);
        assertFalse(a.isUp(b));

        // "b" comes back as a real node on the same port.
        dropper.close();
        dropping.join(10_000);
        ServerSocket again = new ServerSocket();
        again.setReuseAddress(true);
        again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ClusterEndpoint realB = cluster.start(cluster.config("b", Map.of()), clock, again);
        realB.register("shop", (from, type, payload) -> CompletableFuture.completedFuture("back".getBytes(UTF_8)));
        assertTrue(a.request(b, "shop", 2, new byte[0]).isCompletedExceptionally(), "still within the recover time");

        clock.advance(Duration.ofSeconds(15));
        assertEquals("back", new String(a.request(b, "shop", 2, new byte[0]).get(10, TimeUnit.SECONDS), UTF_8));
        assertTrue(a.isUp(b));
    }

    @Test
    void aRefusedConnectionMarksThePeerDownToo() throws Exception {
        int port = cluster.member("b").port();
        cluster.socket("b").close();
        ClusterEndpoint a = cluster.start("a", Map.of(), clock);
        Throwable e = failure(a.request(cluster.member("b"), "shop", 2, new byte[0]));
        assertInstanceOf(PeerUnavailableException.class, e);
        assertTrue(e.getMessage().contains("could not connect to peer b at 127.0.0.1:" + port), e.getMessage());
        assertFalse(a.isUp(cluster.member("b")));
        assertTrue(a.request(cluster.member("b"), "shop", 2, new byte[0]).isCompletedExceptionally());
    }

    @Test
    void concurrentCallsToAnUnreachablePeerShareOneAttempt() throws Exception {
        ServerSocket silent = cluster.socket("b"); // accepts (in the kernel's backlog) but never answers
        ClusterEndpoint a = cluster.start("a", Map.of("handshake-timeout", "300ms"), clock);
        CompletableFuture<?>[] calls = new CompletableFuture<?>[20];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = a.request(cluster.member("b"), "shop", 2, new byte[0]);
        }
        for (CompletableFuture<?> call : calls) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
            assertInstanceOf(PeerUnavailableException.class, e.getCause());
        }
        assertFalse(a.isUp(cluster.member("b")));
        silent.setSoTimeout(1);
        assertEquals(1, countBacklog(silent), "one connection for all twenty calls");
    }

    private static int countBacklog(ServerSocket server) throws IOException {
        int n = 0;
        while (true) {
            try (Socket s = server.accept()) {
                n++;
            } catch (java.net.SocketTimeoutException e) {
                return n;
            }
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeAndReopenedWhenNeeded() throws Exception {
        ClusterEndpoint a = cluster.start("a", Map.of("idle-time", "5s"), clock);
        ClusterEndpoint b = cluster.start("b");
        b.register("shop", (from, type, payload) -> CompletableFuture.completedFuture(payload));
        ClusterMember peer = cluster.member("b");
        a.request(peer, "shop", 2, new byte[0]).get(10, TimeUnit.SECONDS);
        a.request(peer, "shop", 2, new byte[0]).get(10, TimeUnit.SECONDS);
        assertEquals(1, a.openConnections(peer), "the connection is reused");
        clock.advance(Duration.ofSeconds(5));
        Await.until("the idle connection is closed", Duration.ofSeconds(10), () -> a.openConnections(peer) == 0);
        assertEquals(1, a.request(peer, "shop", 2, new byte[] {1}).get(10, TimeUnit.SECONDS).length);
        assertTrue(a.isUp(peer), "closing an idle connection is not a failure");
    }

    @Test
    void aRequestWithoutAnswerTimesOutAndTheConnectionIsDropped() throws Exception {
        ClusterEndpoint a = cluster.start("a", Map.of("socket-timeout", "2s"), clock);
        ClusterEndpoint b = cluster.start("b");
        CompletableFuture<byte[]> never = new CompletableFuture<>();
        b.register("shop", (from, type, payload) -> type == 9 ? never : CompletableFuture.completedFuture(payload));
        assertInstanceOf(PeerTimeoutException.class, failure(a.request(cluster.member("b"), "shop", 9, new byte[0])));
        assertTrue(a.isUp(cluster.member("b")), "a slow answer is not a down peer");
        assertEquals("ok", new String(a.request(cluster.member("b"), "shop", 1, "ok".getBytes(UTF_8))
                .get(10, TimeUnit.SECONDS), UTF_8));
    }
}
