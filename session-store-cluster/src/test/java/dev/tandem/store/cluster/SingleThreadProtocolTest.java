package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tandem.cluster.ClusterTopology;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoredSession;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
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
    private final Clock clock = Clock.systemUTC();
    /** Each server's disk copy, which outlives its process. */
    private final Map<String, SimDisk> disks = new HashMap<>();
    private final ClusterSessions a = node("a");
    private final ClusterSessions b = node("b");
    private final ClusterSessions c = node("c");

    /** Starts server {@code name}'s process on its disk copy (a new one the first time). */
    private ClusterSessions node(String name) {
        SimDisk copy = disks.computeIfAbsent(name, n -> new SimDisk(clock, Duration.ofMinutes(30).toMillis()));
        return new ClusterSessions("app", network.transport(name), copy, clock, new SplittableRandom(42), BackupMode.SYNC,
                network.executor(), id -> { }, () -> {});
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

    @Test
    void aSaveWhoseConnectionToTheBackupBrokeIsSentToItAgainRatherThanAcknowledgedWithOneCopy() {
        String id = SessionId.generate("ab");
        network.down("c");
        assertEquals(1, network.run(a.saveAsync(change(id, "1"))));
        network.breakNextRequestTo("b"); // b restarted under the request, say: it is up again
        assertEquals(2, network.run(a.saveAsync(change(id, "2"))));
        assertEquals(2, disks.get("b").version(id), "the acknowledged save is on the backup too");
    }

    @Test
    void aRestartedOwnerGivesUpItsUnacknowledgedSavesForTheWriteTheActingOwnerAcknowledgedMeanwhile() {
        String id = SessionId.generate("ab");
        assertEquals(1, network.run(a.saveAsync(change(id, "1"))));
        network.settle();
        // a applies two saves to its disk copy, their backups are lost on the way, and a dies before it hears.
        network.loseRequestsFrom("a");
        a.saveAsync(change(id, "2"));
        a.saveAsync(change(id, "3", "k"));
        network.settle();
        assertEquals(3, disks.get("a").version(id));
        network.down("a");

        // b acts as owner and acknowledges a write on the last version a's backup acknowledged.
        assertEquals(2, network.run(b.saveAsync(change(id, "acknowledged", "m"))));
        network.settle();

        ClusterSessions restarted = node("a");
        network.up("a");
        StoredSession read = network.run(restarted.loadAsync(id));
        assertEquals(2, read.version());
        assertEquals("acknowledged", new String(read.attributes().get("m"), UTF_8));
        assertNull(read.attributes().get("k"), "a write no backup acknowledged is gone");
    }

    private static SessionChange change(String id, String value) {
        return change(id, value, "n");
    }

    private static SessionChange change(String id, String value, String attribute) {
        long now = System.currentTimeMillis();
        return new SessionChange(id, now, now, 1800, Map.of(attribute, value.getBytes(UTF_8)), java.util.Set.of());
    }
}
