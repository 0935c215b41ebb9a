package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cluster.ClusterTopology;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a peer missed while out of reach is kept on the disk copy's log as well as in memory, so that a
 * server killed or restarted before it told the peer still tells it (simulation seeds 3515 and
 * 26980: an invalidated session came back from its owner, which was never told).
 */
class MissedWritesTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @TempDir
    Path directory;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    @Test
    void aNoticeSurvivesARestartOfTheServerThatRecordedIt() {
        MissedWrites before = missedWrites();
        String id = SessionId.generate("ba");
        before.add("b", id);
        before.add("b", id);

        MissedWrites after = restarted();

        assertTrue(after.has("b"));
        assertFalse(after.has("c"));
        assertEquals(List.of(id), after.take("b").ids());
    }

    @Test
    void aNoticeThePeerAcknowledgedIsGoneAfterARestartAndItsRecordIsSweptFromTheDisk() {
        MissedWrites missed = missedWrites();
        String delivered = SessionId.generate("ba");
        missed.add("b", delivered);
        MissedWrites.Batch batch = missed.take("b");
        String writtenMeanwhile = SessionId.generate("ba");
        missed.add("b", writtenMeanwhile);
        missed.delivered("b", batch);

        missed = restarted();
        MissedWrites.Batch left = missed.take("b");
        assertEquals(List.of(writtenMeanwhile), left.ids(), "only what the peer has not acknowledged is kept");
        missed.delivered("b", left);

        assertFalse(restarted().has("b"));
        assertTrue(disk.notices("b").isEmpty(), "no notice is left on disk once all was delivered");
    }

    @Test
    void aBatchThatWasNotAcknowledgedIsStillOnDiskAfterARestart() {
        MissedWrites missed = missedWrites();
        String id = SessionId.generate("ba");
        missed.add("b", id);
        missed.putBack("b", missed.take("b"));
        missed.take("b"); // sent again; this server stops before the answer

        assertEquals(List.of(id), restarted().take("b").ids());
    }

    @Test
    void pastTheLimitThePeerIsToldToCheckEverySessionAlsoAfterARestart() {
        MissedWrites missed = missedWrites();
        for (int i = 0; i <= MissedWrites.LIMIT; i++) {
            missed.add("b", SessionId.generate("ba"));
        }

        MissedWrites after = restarted();
        MissedWrites.Batch all = after.take("b");
        assertEquals(List.of(), all.ids(), "an empty batch means: check every session");
        after.delivered("b", all);

        assertFalse(restarted().has("b"), "once told to check all, none of the ids is sent again");
    }

    @Test
    void anOwnerCutOffDuringAnInvalidationLearnsOfItAfterTheServerThatServedItRestarted() {
        SingleThreadNetwork network = new SingleThreadNetwork(ClusterTopology.parse("cluster", "a=h:1 b=h:2 c=h:3"));
        ClusterSessions a = node(network, "a");
        ClusterSessions b = node(network, "b");
        ClusterSessions c = node(network, "c");
        String id = SessionId.generate("cb"); // owner c, backup b
        assertEquals(1, network.run(c.saveAsync(change(id))));
        network.settle();

        network.down("c"); // cut off, not restarted: it goes on trusting its copy
        network.run(a.removeAsync(id));
        network.settle();
        a.close(); // a stops before it could tell c
        network.up("c");
        ClusterSessions restarted = node(network, "a");
        restarted.sweepExpired(System.currentTimeMillis()); // the periodic sweep tells returning peers what they missed
        network.settle();

        assertNull(network.run(c.loadAsync(id)), "c was told, checked with its peers and dropped its copy");
        assertNull(network.run(b.loadAsync(id)));
        assertNull(network.run(restarted.loadAsync(id)));
    }

    @Test
    void overTcpAServerRestartedBeforeItToldAStoppedPeerWhatItMissedTellsItOnceItIsBack() {
        try (TestCluster cluster = new TestCluster(directory.resolve("cluster"), 2, Map.of()).startAll()) {
            String id = SessionId.generate("ab");
            cluster.node(0).save(change(id));
            cluster.stop(1);
            cluster.node(0).remove(id);
            assertTrue(((ClusterSessions) cluster.node(0)).node().missed.has("b"));

            cluster.stop(0);
            ClusterSessions a = (ClusterSessions) cluster.start(0);
            assertTrue(a.node().missed.has("b"), "the restarted server still knows what b missed");

            cluster.start(1);
            Await.until("a told b what it missed", Duration.ofSeconds(30), () -> {
                a.sweepExpired(System.currentTimeMillis());
                return !a.node().missed.has("b");
            });
            assertNull(cluster.node(1).load(id));
            cluster.stop(0);
            assertFalse(((ClusterSessions) cluster.start(0)).node().missed.has("b"), "delivered: gone from the disk");
        }
    }

    private ClusterSessions node(SingleThreadNetwork network, String name) {
        Clock clock = Clock.systemUTC();
        List<String> peers = Stream.of("a", "b", "c").filter(peer -> !peer.equals(name)).toList();
        DiskCopy copy = LogCopy.open(context(), directory.resolve(name), peers, "test: ");
        ClusterSessions sessions = new ClusterSessions("app", network.transport(name), copy, clock, new SplittableRandom(7),
                BackupMode.SYNC, network.executor(), id -> { }, () -> { });
        open.add(sessions);
        return sessions;
    }

    /** This server's disk copy, as the unit tests open it. */
    private DiskCopy disk;

    private MissedWrites missedWrites() {
        disk = LogCopy.open(context(), directory.resolve("a"), List.of("b", "c"), "test: ");
        open.add(disk::close);
        return new MissedWrites(disk, List.of("b", "c"), "test: ");
    }

    /** Closes the disk copy and opens it again, as a restarted server does. */
    private MissedWrites restarted() {
        disk.close();
        return missedWrites();
    }

    private StoreContext context() {
        return new StoreContext("app", Map.of(), Clock.systemUTC(), TIMEOUT, getClass().getClassLoader());
    }

    private static SessionChange change(String id) {
        long now = System.currentTimeMillis();
        return new SessionChange(id, now, now, 1800, Map.of("n", "1".getBytes(UTF_8)), Set.of());
    }
}
