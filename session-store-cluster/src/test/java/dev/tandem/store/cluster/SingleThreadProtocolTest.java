package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tandem.cluster.ClusterTopology;
import dev.tandem.session.MemoryStoreProvider;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The protocol on a single-threaded network with in-memory disk copies: what a deterministic
 * simulator will drive (issue 10). Nothing may block, or the test would time out.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SingleThreadProtocolTest {
    private final ClusterTopology topology = ClusterTopology.parse("cluster", "a=h:1 b=h:2 c=h:3");
    private final SingleThreadNetwork network = new SingleThreadNetwork(topology);
    private final ClusterSessions a = node("a");
    private final ClusterSessions b = node("b");
    private final ClusterSessions c = node("c");

    private ClusterSessions node(String name) {
        Clock clock = Clock.systemUTC();
        StoreContext context = new StoreContext("app", Map.of(), clock, Duration.ofMinutes(30), getClass().getClassLoader());
        SessionStore disk = new MemoryStoreProvider().create(context);
        SessionStore removals = new MemoryStoreProvider().create(context);
        SessionStore notices = new MemoryStoreProvider().create(context);
        return new ClusterSessions("app", network.transport(name), new VersionedCopy(disk, removals, notices, clock,
                Duration.ofMinutes(30)),
                clock, new SplittableRandom(42), BackupMode.SYNC, network.executor(), id -> { },
                () -> {});
    }

    @Test
    void savesLoadsFailoverAndRemovalRunWithoutBlockingOnOneThread() {
        String id = SessionId.generate("ab");
        assertEquals(1, network.run(a.saveAsync(change(id, "1"))));
        assertEquals(2, network.run(c.saveAsync(change(id, "2"))));
        network.settle();

        network.down("a");
        StoredSession viaC = network.run(c.loadAsync(id));
        assertEquals(2, viaC.version());
        assertEquals("2", new String(viaC.attributes().get("n"), UTF_8));
        assertEquals(3, network.run(c.saveAsync(change(id, "3"))));
        network.settle();

        network.down("b");
        assertEquals(3, network.run(c.versionAsync(id)), "b backed its saves up on c");

        network.up("a");
        network.up("b");
        // a was cut off, not restarted: it trusts its copy until b's periodic sweep tells it what it missed.
        b.sweepExpired(System.currentTimeMillis());
        network.settle();
        assertEquals(3, network.run(a.loadAsync(id)).version(), "a takes the newer version over its own");
        network.run(b.removeAsync(id));
        assertNull(network.run(a.loadAsync(id)));
        assertNull(network.run(c.loadAsync(id)));
    }

    private static SessionChange change(String id, String value) {
        long now = System.currentTimeMillis();
        return new SessionChange(id, now, now, 1800, Map.of("n", value.getBytes(UTF_8)), java.util.Set.of());
    }
}
