package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.cluster.ClusterEndpoint;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade: server {@code a} still runs the previous version, which answers LOAD but not
 * LOAD_IF_CHANGED (it fails the request, as an unknown type), and server {@code b} runs this one.
 * Played by a bare endpoint on {@code a}'s port with a handler of the old types.
 */
class MixedVersionTest {
    @TempDir
    Path directory;

    @Test
    void aNonOwnerChecksItsCopyWithAnOwnerOfThePreviousVersionByLoadingTheRecord() {
        try (TestCluster cluster = new TestCluster(directory, 2, Map.of())) {
            String id = SessionId.generate("ab");
            long now = System.currentTimeMillis();
            StoredSession atOwner = new StoredSession(id, 7, now, now, 1800, Map.of("count", "7".getBytes(UTF_8)));
            AtomicInteger refused = new AtomicInteger();
            ClusterEndpoint previousVersion = oldServer(cluster, (from, type, payload) -> switch (type) {
                case MessageType.LOAD -> CompletableFuture.completedFuture(WireFormat.reply(Reply.OK, WireFormat.record(atOwner)));
                default -> {
                    refused.incrementAndGet();
                    throw new IllegalArgumentException("unknown cluster store message type " + type);
                }
            });
            try {
                SessionStore b = cluster.start(1);

                StoredSession checked = b.loadIfChanged(id, 6);

                assertEquals(7, checked.version(), "b served what the owner holds");
                assertEquals("7", new String(checked.attributes().get("count"), UTF_8));
                assertEquals(true, refused.get() >= 1, "the old server was asked LOAD_IF_CHANGED first");
            } finally {
                previousVersion.release();
            }
        }
    }

    @Test
    void aNonOwnerDoesNotServeItsOwnCopyWhenTheUpOwnerAnswersWithAnError() {
        try (TestCluster cluster = new TestCluster(directory, 2, Map.of())) {
            String id = SessionId.generate("ab");
            ClusterEndpoint failing = oldServer(cluster, (from, type, payload) -> {
                throw new IllegalStateException("disk copy unreadable");
            });
            try {
                SessionStore b = cluster.start(1);

                assertThrows(RuntimeException.class, () -> b.loadIfChanged(id, 6));
                assertThrows(RuntimeException.class, () -> b.load(id));
            } finally {
                failing.release();
            }
        }
    }

    private static ClusterEndpoint oldServer(TestCluster cluster, dev.tandem.cluster.RequestHandler handler) {
        StoreContext context = new StoreContext("test-app", cluster.parameters(0), Clock.systemUTC(),
                Duration.ofMinutes(30), MixedVersionTest.class.getClassLoader());
        ClusterEndpoint endpoint = ClusterEndpoint.acquire(ClusterStoreConfig.from(context).cluster());
        endpoint.register("test-app", handler);
        return endpoint;
    }
}
