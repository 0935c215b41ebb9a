package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's disk copy on the session log: copies at the cluster's versions with what is
 * acknowledged, removals as tombstones with their time, and notices by peer, all as they were after
 * a restart, after compaction moved them, and with the hint files a closed log leaves.
 */
class CopyLogTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(NOW);
    private CopyLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    /** 8 KiB segments, compacted only when the test says so. */
    private CopyLog open() {
        if (log != null) {
            log.close();
        }
        log = new CopyLog(FileStore.open(new FileStoreConfig(root.resolve("app"), false, 8192, false),
                new StoreContext("app", Map.of("path", root.toString()), clock, TIMEOUT, getClass().getClassLoader()),
                true));
        return log;
    }

    private SessionChange change(String id, String name, String value) {
        long now = clock.millis();
        return new SessionChange(id, now, now, 1800, Map.of(name, value.getBytes(UTF_8)), Set.of());
    }

    @Test
    void aCopyKeepsTheClusterVersionAndWhatIsAcknowledgedAcrossARestart() {
        String id = SessionId.generate("ab");
        open().save(change(id, "a", "1"), 5, 5);
        log.save(change(id, "b", "2"), 6, 5);
        assertEquals(6, log.version(id));
        assertEquals(5, log.confirmedVersion(id));

        open();
        StoredSession copy = log.load(id);
        assertEquals(6, copy.version());
        assertEquals(Set.of("a", "b"), copy.attributes().keySet(), "no reserved attribute rides along");
        assertEquals(5, log.confirmedVersion(id));

        log.save(change(id, "c", "3"), 7, 7);
        assertEquals(7, open().confirmedVersion(id), "all of it acknowledged");
    }

    @Test
    void aCopyReplacedAtAnOlderVersionStaysThereAndGrowsFromThere() {
        String id = SessionId.generate("ab");
        open().save(change(id, "a", "1"), 1, 1);
        log.save(change(id, "a", "2"), 2, 1);
        log.save(change(id, "a", "3"), 3, 1);
        long now = clock.millis();
        log.replace(new StoredSession(id, 2, now, now, 1800, Map.of("a", "theirs".getBytes(UTF_8))), 2);
        log.save(change(id, "b", "x"), 3, 3);

        open();
        StoredSession copy = log.load(id);
        assertEquals(3, copy.version());
        assertArrayEquals("theirs".getBytes(UTF_8), copy.attributes().get("a"), "the later record wins");
        assertEquals(3, log.confirmedVersion(id));
    }

    @Test
    void aRemovalIsATombstoneThatRefusesSavesUntilItsTimeAlsoAfterARestart() {
        String id = SessionId.generate("ab");
        open().save(change(id, "a", "1"), 1, 1);
        long until = clock.millis() + Duration.ofHours(2).toMillis();
        log.remove(id, until);
        assertEquals(until, log.removedUntil(id));
        assertNull(log.load(id));

        open();
        assertEquals(until, log.removedUntil(id));
        assertThrows(SessionRemovedException.class, () -> log.save(change(id, "a", "2"), 2, 2));

        clock.advance(Duration.ofHours(3));
        assertEquals(0, log.removedUntil(id));
        log.save(change(id, "a", "2"), 2, 2);
        assertEquals(2, open().version(id));
    }

    @Test
    void noticesAreKeptAndDroppedByPeerAcrossARestart() {
        String one = SessionId.generate("ab");
        String two = SessionId.generate("ab");
        open().keepNotices("b", Set.of(one, two), false);
        log.keepNotices("server-with-a-long-name.example.org", Set.of(), true);
        log.dropNotices("b", Set.of(one), false);

        open();
        assertEquals(new CopyLog.Notices(Set.of(two), false), log.notices("b"));
        assertEquals(new CopyLog.Notices(Set.of(), true), log.notices("server-with-a-long-name.example.org"));
        assertTrue(log.notices("c").isEmpty());

        log.dropNotices("server-with-a-long-name.example.org", Set.of(), true);
        log.dropNotices("b", Set.of(two), false);
        open();
        assertEquals(Set.of(), log.peersWithNotices());
    }

    @Test
    void compactionMovesCopiesTombstonesAndNoticesAndTheyReadTheSameAfterARestart() throws IOException {
        open();
        String removed = SessionId.generate("ab");
        log.save(change(removed, "a", "1"), 1, 1);
        long until = clock.millis() + Duration.ofHours(2).toMillis();
        log.remove(removed, until);
        String noticed = SessionId.generate("ab");
        log.keepNotices("b", Set.of(noticed), false);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String id = SessionId.generate("ab");
            ids.add(id);
            log.save(change(id, "v", "x".repeat(300)), 10 + i, 9 + i);
        }
        // Rewrite every copy a few times: the early segments die and are compacted.
        for (int round = 1; round <= 3; round++) {
            for (int i = 0; i < ids.size(); i++) {
                log.replace(new StoredSession(ids.get(i), 10 + i + round, clock.millis(), clock.millis(), 1800,
                        Map.of("v", ("y" + round).repeat(150).getBytes(UTF_8))), 9 + i + round);
            }
        }
        int before = log.store().log().segments().size();
        assertTrue(log.store().compactNow() > 0, "there was something to compact");
        assertTrue(log.store().log().segments().size() < before);

        for (int pass = 0; pass < 3; pass++) { // as compacted, after a restart, and from the hint files
            CopyLog reopened = pass == 0 ? log : open();
            for (int i = 0; i < ids.size(); i++) {
                assertEquals(13 + i, reopened.version(ids.get(i)));
                assertEquals(12 + i, reopened.confirmedVersion(ids.get(i)));
            }
            assertEquals(until, reopened.removedUntil(removed));
            assertEquals(new CopyLog.Notices(Set.of(noticed), false), reopened.notices("b"));
        }
    }

    @Test
    void aNoticeDroppedInALaterSegmentStaysDroppedWhenThatSegmentIsCompactedAlone() throws IOException {
        open();
        String id = SessionId.generate("ab");
        log.keepNotices("b", Set.of(id), false);
        List<String> later = new ArrayList<>();
        while (log.store().log().segments().size() < 2) { // the first segment fills with live copies
            String s = SessionId.generate("ab");
            later.add(s);
            log.save(change(s, "v", "x".repeat(300)), 1, 1);
        }
        later.subList(0, later.size() - 1).clear(); // the one that started the second segment
        log.dropNotices("b", Set.of(id), false);
        while (log.store().log().segments().size() < 3) {
            String s = SessionId.generate("ab");
            later.add(s);
            log.save(change(s, "v", "x".repeat(300)), 1, 1);
        }
        for (String s : later) {
            log.remove(s, 0);
        }
        log.store().compactNow();
        assertEquals(1, log.store().log().segments().get(0).number, "the segment with the keep stays");

        assertFalse(open().peersWithNotices().contains("b"));
    }

    @Test
    void theFileStoreOfAnEarlierDiskCopyIsReadSessionBySession() {
        String id = SessionId.generate("ab");
        StoreContext context = new StoreContext("app", Map.of("path", root.resolve("old").toString()), clock,
                TIMEOUT, getClass().getClassLoader());
        try (var old = new FileStoreProvider().create(context)) {
            old.save(change(id, "a", "1"));
        }
        List<StoredSession> read = new ArrayList<>();
        CopyLog.readFileStore(context, read::add);
        assertEquals(1, read.size());
        assertEquals(id, read.get(0).id());
    }
}
