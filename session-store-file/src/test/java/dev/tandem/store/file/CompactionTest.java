package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction rewrites mostly-dead segments and deletes them: disk use follows the live data, and
 * nothing acknowledged is lost nor anything removed brought back, under concurrent saves and when a
 * crash leaves a compaction half done.
 */
class CompactionTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(NOW);

    /** A store with 8 KiB segments that compacts only when the test says so, for repeatable logs. */
    private FileStore open() {
        return FileStore.open(new FileStoreConfig(app(), false, 8192, false), new StoreContext("app",
                Map.of("path", root.toString()), clock, Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    /** The same with compaction in the background too, as in production. */
    private FileStore openCompactingInBackground() {
        return (FileStore) new FileStoreProvider().create(new StoreContext("app", Map.of("path", root.toString(),
                "segment-size", "8k"), clock, Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    private Path app() {
        return root.resolve("app");
    }

    private SessionChange change(String id, long n, int interval) {
        return new SessionChange(id, clock.millis(), clock.millis(), interval,
                Map.of("n", ByteBuffer.allocate(8).putLong(n).array(), "filler", new byte[400]), Set.of());
    }

    private static long n(StoredSession session) {
        return ByteBuffer.wrap(session.attributes().get("n")).getLong();
    }

    @Test
    void manySavesOverFewSessionsLeaveTheLogNearTheSizeOfTheLiveDataAndEverySessionLoads() throws IOException {
        List<String> ids = new ArrayList<>();
        try (FileStore store = open()) {
            for (int i = 0; i < 10; i++) {
                ids.add(SessionId.generate("aa"));
            }
            for (int round = 1; round <= 300; round++) {
                for (String id : ids) {
                    store.save(change(id, round, 1800));
                }
            }
            long before = LogFiles.bytes(app());
            assertTrue(store.compactNow() > 0);
            long after = LogFiles.bytes(app());
            // Ten records of about 0.5 KiB are live; the head segment and one batch of copies stay.
            assertTrue(after < 8 * 8192 && after * 10 < before, "the log went from " + before + " to " + after + " bytes");
            for (String id : ids) {
                assertEquals(300, n(store.load(id)));
            }
        }
        try (FileStore store = open()) {
            for (String id : ids) {
                assertEquals(300, store.version(id));
                assertEquals(300, n(store.load(id)));
            }
        }
    }

    @Test
    void compactionUnderConcurrentSavesLosesNoneOfThemAndASessionSavedWhileItsSegmentIsCompactedKeepsItsSave()
            throws Exception {
        int threads = 4;
        int saves = 1500;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ids.add(SessionId.generate("aa"));
        }
        // One session saved by every thread in turn: its segments are compacted while it is saved.
        String hot = SessionId.generate("aa");
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        int compactions = 0;
        try (FileStore store = openCompactingInBackground()) {
            Future<Integer> compactor = pool.submit(() -> {
                int n = 0;
                while (!done.get()) {
                    n += store.compactNow();
                }
                return n;
            });
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String id = ids.get(t);
                writers.add(pool.submit(() -> {
                    for (int n = 1; n <= saves; n++) {
                        assertEquals(n, store.save(change(id, n, 1800)));
                        store.save(new SessionChange(hot, clock.millis(), clock.millis(), 1800,
                                Map.of("from-" + id, ByteBuffer.allocate(8).putLong(n).array()), Set.of()));
                        if (n % 100 == 0) {
                            assertEquals(n, n(store.load(id)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(120, TimeUnit.SECONDS);
            }
            done.set(true);
            compactions = compactor.get(60, TimeUnit.SECONDS);
            check(store, ids, hot, saves);
        } finally {
            pool.shutdownNow();
        }
        assertTrue(compactions > 0, "compaction ran while the saves did");
        try (FileStore store = open()) {
            check(store, ids, hot, saves);
        }
    }

    private static void check(FileStore store, List<String> ids, String hot, int saves) {
        for (String id : ids) {
            assertEquals(saves, store.version(id));
            assertEquals(saves, n(store.load(id)));
        }
        StoredSession hotSession = store.load(hot);
        assertEquals((long) ids.size() * saves, hotSession.version());
        for (String id : ids) {
            assertArrayEquals(ByteBuffer.allocate(8).putLong(saves).array(), hotSession.attributes().get("from-" + id));
        }
    }

    @Test
    void aCrashInTheMiddleOfCompactionLeavesOldAndNewSegmentsAndNothingIsLostOrComesBack() throws IOException {
        List<String> kept = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        Path before = Files.createDirectory(root.resolve("before"));
        try (FileStore store = open()) {
            for (int i = 0; i < 20; i++) {
                String id = SessionId.generate("aa");
                (i % 4 == 0 ? removed : kept).add(id);
                for (int n = 1; n <= 40; n++) {
                    store.save(change(id, n, i % 8 == 0 ? 0 : 1800));
                }
            }
            for (String id : removed) {
                store.remove(id);
            }
            for (String id : kept) {
                store.save(change(id, 41, 1800));
            }
            for (Path segment : LogFiles.segments(app())) {
                Files.copy(segment, before.resolve(segment.getFileName()));
            }
            assertTrue(store.compactNow() > 0);
        }
        // The compaction's copies are in, and the segments it deleted are back: as if the kill came before the deletes.
        for (Path segment : LogFiles.segments(before)) {
            Path target = app().resolve(segment.getFileName());
            if (!Files.exists(target)) {
                Files.copy(segment, target);
            }
        }

        try (FileStore store = open()) {
            for (String id : kept) {
                assertEquals(41, store.version(id));
                assertEquals(41, n(store.load(id)));
            }
            for (String id : removed) {
                assertNull(store.load(id), "a removed session stays removed");
                assertThrows(SessionRemovedException.class, () -> store.save(change(id, 99, 1800)));
            }
            store.compactNow();
        }
        try (FileStore store = open()) {
            for (String id : kept) {
                assertEquals(41, n(store.load(id)));
            }
            for (String id : removed) {
                assertNull(store.load(id));
            }
        }
    }

    @Test
    void removedAndExpiredSessionsDropOutAndStayGoneAfterTheirTombstonesExpire() throws IOException {
        List<String> removed = new ArrayList<>();
        List<String> expiring = new ArrayList<>();
        String live;
        try (FileStore store = open()) {
            for (int i = 0; i < 30; i++) {
                String id = SessionId.generate("aa");
                // Some never expire (interval 0): only their tombstone keeps them from coming back.
                store.save(change(id, 1, i % 2 == 0 ? 0 : 1800));
                removed.add(id);
            }
            for (int i = 0; i < 30; i++) {
                String id = SessionId.generate("aa");
                store.save(change(id, 1, 60));
                expiring.add(id);
            }
            removed.forEach(store::remove);
            clock.advance(Duration.ofMinutes(5));
            assertEquals(30, store.sweepExpired(clock.millis()).size());
            clock.advance(Duration.ofHours(2));
            store.sweepExpired(clock.millis());
            live = SessionId.generate("aa");
            for (int n = 1; n <= 200; n++) {
                store.save(change(live, n, 1800));
            }
            store.compactNow();
            assertTrue(LogFiles.bytes(app()) < 6 * 8192, "the dead sessions dropped out: " + LogFiles.bytes(app()));
        }
        try (FileStore store = open()) {
            assertEquals(200, n(store.load(live)));
            for (String id : removed) {
                assertNull(store.load(id), "removed, and its tombstone expired: it stays gone");
                assertEquals(1, store.save(change(id, 1, 1800)), "its tombstone expired: a save starts it anew");
            }
            for (String id : expiring) {
                assertNull(store.load(id));
            }
        }
    }
}
