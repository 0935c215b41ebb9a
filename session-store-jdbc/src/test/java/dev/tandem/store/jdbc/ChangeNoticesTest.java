package dev.tandem.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.tandem.session.SessionId;
import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one H2 database with a cluster configured and {@code always-load-session=false}: each
 * node caches the sessions it owns, a node that writes a session owned by the other tells it over
 * the cluster port, so a client alternating between the nodes on every request never sees its
 * counter go back.
 */
class ChangeNoticesTest {
    private static final int REQUESTS = 60;

    @TempDir
    Path directory;

    @Test
    void aCounterIncrementedAlternatelyOnTwoClusteredNodesNeverGoesBackWithoutAlwaysLoadSession() {
        try (H2Server h2 = H2Server.start(directory)) {
            Map<String, String> database = TestDatabase.h2(h2.url("notices")).parameters("noticed_session");
            String cluster = "a=127.0.0.1:" + freePort() + " b=127.0.0.1:" + freePort();
            try (AppNode a = AppNode.start(clustered(database, cluster, "a"), false);
                 AppNode b = AppNode.start(clustered(database, cluster, "b"), false)) {
                // One session made on each node: each node is the owner of one and the other writer of the other.
                TestClient madeOnA = TestClient.withCookies();
                TestClient madeOnB = TestClient.withCookies();
                assertEquals(IntStream.rangeClosed(1, REQUESTS).boxed().toList(), countAlternately(madeOnA, a, b));
                assertEquals(IntStream.rangeClosed(1, REQUESTS).boxed().toList(), countAlternately(madeOnB, b, a));
                assertEquals(0, SessionId.ownerIndex(madeOnA.cookie("JSESSIONID").orElseThrow()), "a owns what it made");
                assertEquals(1, SessionId.ownerIndex(madeOnB.cookie("JSESSIONID").orElseThrow()), "b owns what it made");
            }
        }
    }

    @Test
    void aSessionInvalidatedOnTheOtherNodeIsGoneOnItsOwnerAtOnce() {
        try (H2Server h2 = H2Server.start(directory)) {
            Map<String, String> database = TestDatabase.h2(h2.url("removals")).parameters("removed_session");
            String cluster = "a=127.0.0.1:" + freePort() + " b=127.0.0.1:" + freePort();
            try (AppNode a = AppNode.start(clustered(database, cluster, "a"), false);
                 AppNode b = AppNode.start(clustered(database, cluster, "b"), false)) {
                TestClient client = TestClient.withCookies();
                assertEquals("ok", a.probe(client, "set?name=user&value=ann"));
                assertEquals("ann", a.probe(client, "get?name=user"));
                assertEquals("invalidated", b.probe(client, "invalidate"));
                assertEquals("no session", a.probe(client, "get?name=user"), "the owner dropped its cached copy");
            }
        }
    }

    @Test
    void aNodeHoldingAnOlderCopyOfAnotherNodesSessionDoesNotExpireItWhileItsOwnerServesIt() {
        try (H2Server h2 = H2Server.start(directory)) {
            Map<String, String> database = new HashMap<>(TestDatabase.h2(h2.url("reaping")).parameters("reaped_session"));
            database.put("reaper-interval", "100ms");
            String cluster = "a=127.0.0.1:" + freePort() + " b=127.0.0.1:" + freePort();
            try (AppNode a = AppNode.start(clustered(database, cluster, "a"), false);
                 AppNode b = AppNode.start(clustered(database, cluster, "b"), false)) {
                TestClient client = TestClient.withCookies();
                a.probe(client, "max-inactive?value=1");
                assertEquals("1", b.probe(client, "count"), "b now holds a copy that expires in 1s");
                AtomicInteger count = new AtomicInteger(1);
                long start = System.nanoTime();
                // The owner serves the session for well past b's copy's expiry, while b's reaper runs every 100ms.
                Await.until("3s of requests on the owner", Duration.ofSeconds(30), () -> {
                    assertEquals(count.incrementAndGet(), Integer.parseInt(a.probe(client, "count")));
                    return System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(3000);
                });
                assertEquals(count.get() + 1, Integer.parseInt(b.probe(client, "count")), "b reloaded, not expired, it");
            }
        }
    }

    /** Why the notices exist: without them the owner's cache misses the other node's writes. */
    @Test
    void withoutAClusterTheOwnersCachedCopyMissesTheOtherNodesWrite() {
        try (H2Server h2 = H2Server.start(directory)) {
            Map<String, String> database = TestDatabase.h2(h2.url("plain")).parameters("plain_session");
            try (AppNode a = AppNode.start(database, false); AppNode b = AppNode.start(database, false)) {
                TestClient client = TestClient.withCookies();
                List<Integer> seen = countAlternately(client, a, b).subList(0, 3);
                assertNotEquals(List.of(1, 2, 3), seen, "a served its cached copy, missing b's write");
            }
        }
    }

    private static List<Integer> countAlternately(TestClient client, AppNode first, AppNode second) {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            seen.add(Integer.parseInt((i % 2 == 0 ? first : second).probe(client, "count")));
        }
        return seen;
    }

    private static Map<String, String> clustered(Map<String, String> database, String cluster, String serverId) {
        Map<String, String> p = new HashMap<>(database);
        p.put("cluster", cluster);
        p.put("server-id", serverId);
        p.put("cluster-secret", "test-secret-for-change-notices");
        return p;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
