package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owner, backup, non-owner requests, failover and recovery, with real endpoints on loopback in one JVM. */
class ReplicationTest {
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private TestCluster cluster;

    @AfterEach
    void stopTheCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private TestCluster cluster(int size) {
        cluster = new TestCluster(directory, size, Map.of()).startAll();
        return cluster;
    }

    @Test
    void aNewSessionIsOwnedByTheServerThatMadeItAndBackedUpOnALivePeer() {
        cluster(3);
        for (int i = 0; i < 20; i++) {
            String prefix = cluster.node(B).newSessionIdPrefix();
            assertEquals('b', prefix.charAt(0));
            assertEquals(true, prefix.charAt(1) == 'a' || prefix.charAt(1) == 'c', prefix);
        }
    }

    @Test
    void aSaveOnTheOwnerIsInTheBackupsDiskCopy() {
        cluster(3);
        String id = SessionId.generate("ab");
        cluster.node(A).save(change(id, "count", "1"));
        cluster.node(A).save(change(id, "count", "2"));

        cluster.stop(A);
        cluster.stop(C);

        StoredSession onB = cluster.node(B).load(id);
        assertEquals(2, onB.version());
        assertEquals("2", value(onB, "count"));
    }

    @Test
    void aServerThatDoesNotOwnTheSessionLoadsAndStoresThroughTheOwner() {
        cluster(3);
        String id = SessionId.generate("ab");
        assertEquals(1, cluster.node(C).save(change(id, "count", "1")));
        assertEquals(2, cluster.node(C).save(change(id, "count", "2")));

        assertEquals("2", value(cluster.node(A).load(id), "count"));
        assertEquals("2", value(cluster.node(C).load(id), "count"));

        cluster.stop(A);
        cluster.stop(B);
        assertNull(cluster.node(C).load(id), "C kept no copy of its own: the owner and backup hold the session");
    }

    @Test
    void whenTheOwnerIsDownTheBackupServesTheLastVersionAndMakesASecondCopy() {
        cluster(3);
        String id = SessionId.generate("ab");
        for (int i = 1; i <= 5; i++) {
            cluster.node(A).save(change(id, "count", String.valueOf(i)));
        }
        cluster.stop(A);

        StoredSession viaC = cluster.node(C).load(id);
        assertEquals(5, viaC.version());
        assertEquals("5", value(viaC, "count"));
        assertEquals(6, cluster.node(C).save(change(id, "count", "6")));

        // B acts as owner and backs up on C, the next server on the ring: B may now go too.
        cluster.stop(B);
        StoredSession onC = cluster.node(C).load(id);
        assertEquals(6, onC.version());
        assertEquals("6", value(onC, "count"));
    }

    @Test
    void whenTheBackupIsDownTheOwnerBacksUpOnTheNextServerOfTheRing() {
        cluster(3);
        String id = SessionId.generate("ab");
        cluster.stop(B);
        cluster.node(A).save(change(id, "count", "1"));
        cluster.node(A).save(change(id, "count", "2"));

        cluster.stop(A);
        assertEquals("2", value(cluster.node(C).load(id), "count"));
    }

    @Test
    void aRestartedServerTakesTheNewerVersionFromItsPeerOverItsOldDiskCopy() {
        cluster(2);
        String id = SessionId.generate("ab");
        cluster.node(A).save(change(id, "count", "1"));
        cluster.node(A).save(change(id, "count", "2"));
        cluster.stop(A);
        cluster.node(B).save(change(id, "count", "3"));

        cluster.start(A);

        StoredSession onA = cluster.node(A).load(id);
        assertEquals(3, onA.version());
        assertEquals("3", value(onA, "count"));
        assertEquals(4, cluster.node(A).save(change(id, "count", "4")));
        assertEquals("4", value(cluster.node(B).load(id), "count"));
    }

    @Test
    void aSaveOnAnOwnerWithAStaleCopyIsAppliedOnTopOfTheNewerCopy() {
        cluster(2);
        String id = SessionId.generate("ab");
        cluster.node(A).save(change(id, "first", "1"));
        cluster.stop(A);
        cluster.node(B).save(change(id, "second", "2"));
        cluster.node(B).save(change(id, "second", "3"));

        cluster.start(A);
        assertEquals(4, cluster.node(A).save(change(id, "third", "4")));

        StoredSession onB = cluster.node(B).load(id);
        assertEquals(4, onB.version());
        assertEquals("1", value(onB, "first"));
        assertEquals("3", value(onB, "second"));
        assertEquals("4", value(onB, "third"));
    }

    @Test
    void anInvalidatedSessionIsGoneFromEveryServerAndALateSaveIsRefusedEverywhere() {
        cluster(3);
        String id = SessionId.generate("ab");
        cluster.node(A).save(change(id, "count", "1"));

        cluster.node(C).remove(id);

        assertNull(cluster.node(A).load(id));
        assertThrows(SessionRemovedException.class, () -> cluster.node(A).save(change(id, "count", "2")));
        assertThrows(SessionRemovedException.class, () -> cluster.node(C).save(change(id, "count", "2")));
        cluster.stop(A);
        assertNull(cluster.node(C).load(id), "the backup's copy was removed too");
        assertThrows(SessionRemovedException.class, () -> cluster.node(C).save(change(id, "count", "2")));
    }

    @Test
    void aSessionInvalidatedWhileItsOwnerWasDownDoesNotComeBackFromTheOwnersOldCopy() {
        cluster(2);
        String id = SessionId.generate("ab");
        cluster.node(A).save(change(id, "count", "1"));
        cluster.stop(A);
        cluster.node(B).remove(id);

        cluster.start(A);

        assertNull(cluster.node(A).load(id));
        assertThrows(SessionRemovedException.class, () -> cluster.node(A).save(change(id, "count", "2")));
        assertNull(cluster.node(B).load(id));
    }

    @Test
    void theVersionComesFromTheActingOwnerOnEveryServer() {
        cluster(3);
        String id = SessionId.generate("ab");
        cluster.node(A).save(change(id, "count", "1"));
        cluster.node(B).save(change(id, "count", "2"));
        assertEquals(2, cluster.node(A).version(id));
        assertEquals(2, cluster.node(B).version(id));
        assertEquals(2, cluster.node(C).version(id));
        assertEquals(0, cluster.node(C).version(SessionId.generate("ab")));
    }

    @Test
    void withAsyncBackupTheSaveReachesTheBackupSoonAfter() {
        cluster = new TestCluster(directory, 2, Map.of("backup-mode", "async")).startAll();
        String id = SessionId.generate("ab");
        cluster.node(A).save(change(id, "count", "1"));
        Await.until("the backup holds the save", PATIENCE, () -> {
            StoredSession s = cluster.node(B).load(id); // B asks A, the live owner
            return s != null && s.version() == 1;
        });
        cluster.stop(A);
        assertEquals("1", value(cluster.node(B).load(id), "count"));
    }

    private static SessionChange change(String id, String name, String value) {
        long now = System.currentTimeMillis();
        return new SessionChange(id, now, now, 1800, Map.of(name, value.getBytes(UTF_8)), Set.of());
    }

    private static String value(StoredSession s, String name) {
        byte[] bytes = s.attributes().get(name);
        return bytes == null ? null : new String(bytes, UTF_8);
    }
}
