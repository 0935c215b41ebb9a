package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory written by the per-file store that came before the log opens on the log: every
 * session loads at its version, tombstones still refuse, the old files are gone, a damaged one is
 * set aside as before, and a crash in the middle of the upgrade loses nothing.
 */
class UpgradeTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final long T = NOW.toEpochMilli();

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(NOW);
    private final Map<String, StoredSession> expected = new HashMap<>();

    private SessionStore open() {
        return new FileStoreProvider().create(new StoreContext("app", Map.of("path", root.toString()), clock,
                Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    private Path app() {
        return root.resolve("app");
    }

    /** 50 sessions as the old store left them: 20 bases alone, 30 with 1 to 5 deltas (one removes an attribute). */
    private LegacyWriter oldDirectory() throws IOException {
        LegacyWriter old = new LegacyWriter(app());
        for (int s = 0; s < 50; s++) {
            String id = SessionId.generate("aa");
            Map<String, byte[]> attributes = new HashMap<>(Map.of("n", ("n" + s).getBytes(UTF_8),
                    "gone", new byte[5], "filler", new byte[2000]));
            StoredSession session = new StoredSession(id, 1, T, T, 1800, attributes);
            int baseLength = old.base(session);
            long deltaBytes = 0;
            for (int v = 2; v <= 1 + (s < 20 ? 0 : 1 + s % 5); v++) {
                Map<String, byte[]> changed = Map.of("n", ("n" + s + "v" + v).getBytes(UTF_8));
                Set<String> removed = v == 2 ? Set.of("gone") : Set.of();
                session = new SessionChange(id, T, T + v, 1800, changed, removed).applyTo(session, v);
                deltaBytes += old.delta(session, 1, baseLength, deltaBytes, changed, removed);
            }
            expected.put(id, session);
        }
        return old;
    }

    private void expectAll(SessionStore store) {
        expected.forEach((id, session) -> {
            StoredSession loaded = store.load(id);
            assertEquals(session.version(), loaded.version(), id);
            assertEquals(session.lastAccessedTime(), loaded.lastAccessedTime(), id);
            assertEquals(session.attributes().keySet(), loaded.attributes().keySet(), id);
            session.attributes().forEach((name, bytes) -> assertArrayEquals(bytes, loaded.attributes().get(name)));
        });
    }

    @Test
    void aDirectoryOfTheOldFormatOpensAndEverySessionLoadsAtItsVersion() throws IOException {
        LegacyWriter old = oldDirectory();
        String removed = SessionId.generate("aa");
        old.tombstone(removed, T + 3_600_000);

        try (SessionStore store = open()) {
            expectAll(store);
            assertThrows(SessionRemovedException.class, () -> store.save(new SessionChange(removed, T, T, 1800,
                    Map.of(), Set.of())));
            assertEquals(List.of(".lock", Segment.name(1)), LargeSession.names(app()), "the old files are gone");
            String some = expected.keySet().iterator().next();
            assertEquals(expected.get(some).version() + 1, store.save(new SessionChange(some, T, T, 1800,
                    Map.of("after", new byte[1]), Set.of())));
        }
        try (SessionStore store = open()) {
            assertThrows(SessionRemovedException.class, () -> store.save(new SessionChange(removed, T, T, 1800,
                    Map.of(), Set.of())));
            for (String id : expected.keySet()) {
                assertTrue(store.version(id) >= expected.get(id).version(), id);
            }
        }
    }

    @Test
    void aDamagedOldFileIsSetAsideAsBeforeAndTheOthersMoveIntoTheLog() throws IOException {
        oldDirectory();
        String damaged = expected.keySet().iterator().next();
        StoredSession lost = expected.remove(damaged);
        Path base = app().resolve(damaged + ".1");
        byte[] bytes = Files.readAllBytes(base);
        bytes[bytes.length - 1] ^= 1;
        Files.write(base, bytes);

        try (SessionStore store = open()) {
            expectAll(store);
            assertEquals(0, store.version(damaged), "its base failed its checksum: version " + lost.version() + " is lost");
            assertNull(store.load(damaged));
        }
        assertTrue(Files.exists(app().resolve(damaged + ".1.corrupt")), "set aside for a look");
    }

    @Test
    void aCrashInTheMiddleOfTheUpgradeLeavesOldFilesAndLogWhichTheNextStartFoldsAgain() throws IOException {
        oldDirectory();
        Path copy = Files.createDirectory(root.resolve("copy"));
        for (String name : LargeSession.names(app())) {
            Files.copy(app().resolve(name), copy.resolve(name));
        }
        try (SessionStore store = open()) {
            expectAll(store);
        }
        // As if the process died after the log was written and forced, before every old file was deleted.
        for (String name : LargeSession.names(copy)) {
            Files.copy(copy.resolve(name), app().resolve(name));
        }

        try (SessionStore store = open()) {
            expectAll(store);
        }
        try (SessionStore store = open()) {
            expectAll(store);
            assertTrue(LargeSession.names(app()).stream().allMatch(n -> n.equals(".lock") || n.startsWith("log-")));
        }
    }
}
