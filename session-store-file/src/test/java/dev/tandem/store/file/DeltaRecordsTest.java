package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A save appends only what changed, as a delta record; every so often a new base replaces the chain. */
class DeltaRecordsTest {
    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(LargeSession.TIME));
    private final LargeSession session = new LargeSession();

    private SessionStore open() {
        return LargeSession.openStore(root, clock);
    }

    private Path directory() {
        return root.resolve("app");
    }

    /** The types of the records of the session in the log, in log order: B base, D delta, T touch, X tombstone. */
    private String types(String id) {
        StringBuilder types = new StringBuilder();
        for (LogFiles.Found record : LogFiles.records(directory())) {
            if (record.id().equals(id)) {
                types.append("?BDTX".charAt(record.type()));
            }
        }
        return types.toString();
    }

    @Test
    void aOneAttributeChangeOfALargeSessionAppendsAboutOneAttributesBytes() {
        List<Long> written = new ArrayList<>();
        long whole;
        try (SessionStore store = open()) {
            store.save(session.whole());
            whole = LogFiles.bytes(directory());
            for (int v = 2; v <= 101; v++) {
                long before = LogFiles.bytes(directory());
                store.save(session.one(v % LargeSession.ATTRIBUTES, v));
                written.add(LogFiles.bytes(directory()) - before);
                session.assertIs(store.load(session.id), v);
            }
        }
        assertTrue(whole > LargeSession.ATTRIBUTES * LargeSession.VALUE, "the whole record: " + whole + " bytes");
        long deltas = written.stream().filter(bytes -> bytes < whole).count();
        long bases = written.size() - deltas;
        for (long bytes : written) {
            // One attribute's 500 bytes, its name and the delta's 89 bytes of frame and header; or a whole new base.
            assertTrue(bytes <= LargeSession.VALUE + 150 || bytes == whole, "a save appended " + bytes + " bytes");
        }
        assertEquals(3, bases, "a new base after each 32 deltas: " + written);
        long total = written.stream().mapToLong(Long::longValue).sum();
        assertTrue(total * 20 <= whole * written.size(), "100 one-attribute saves appended " + total
                + " bytes; saving the whole record each time appends " + whole * written.size());
        try (SessionStore store = open()) {
            session.assertIs(store.load(session.id), 101);
        }
    }

    @Test
    void after32DeltasTheNextSaveAppendsANewBaseAndTheChainStartsAgainFromIt() {
        try (SessionStore store = open()) {
            store.save(session.whole());
            for (int v = 2; v <= 33; v++) {
                store.save(session.one(v, v));
            }
            assertEquals("B" + "D".repeat(32), types(session.id));

            store.save(session.one(34, 34));
            store.save(session.one(35, 35));

            assertEquals("B" + "D".repeat(32) + "BD", types(session.id));
            assertEquals(34, LogFiles.record(directory(), session.id, LogRecord.DELTA, 35).version() - 1);
            session.assertIs(store.load(session.id), 35);
        }
        try (SessionStore store = open()) {
            session.assertIs(store.load(session.id), 35);
        }
    }

    @Test
    void deltasThatWouldPassHalfTheBasesBytesAreReplacedByANewBase() {
        try (SessionStore store = open()) {
            store.save(session.whole());
            // Each save changes 30 attributes: about 15.7 KB against a 104 KB base, so the fourth passes half.
            for (int v = 2; v <= 4; v++) {
                store.save(changeOfThirty(v));
            }
            assertEquals("BDDD", types(session.id));

            store.save(changeOfThirty(5));

            assertEquals("BDDDB", types(session.id));
            session.assertIs(store.load(session.id), 5);
        }
    }

    @Test
    void aRemovedAttributeStaysRemovedThroughDeltasAndARestart() {
        try (SessionStore store = open()) {
            store.save(session.whole());
            store.save(session.without(7));
            store.save(session.one(8, 8));
            session.assertIs(store.load(session.id), 3);
        }
        try (SessionStore store = open()) {
            session.assertIs(store.load(session.id), 3);
            assertEquals("BDD", types(session.id));
        }
    }

    @Test
    void aTouchAppendsItsTimeWhichSurvivesARestart() {
        long touched = LargeSession.TIME + 60_000;
        try (SessionStore store = open()) {
            store.save(session.whole());
            store.save(session.one(1, 1));
            store.touch(session.id, touched);
            assertEquals(touched, store.load(session.id).lastAccessedTime());
            assertEquals("BDT", types(session.id));
        }
        try (SessionStore store = open()) {
            assertEquals(2, store.version(session.id));
            assertEquals(touched, store.load(session.id).lastAccessedTime());
            assertEquals(3, store.save(session.one(2, 2)));
        }
    }

    @Test
    void removeAndTheExpirySweepAppendATombstoneAndNeitherSessionComesBackAfterARestart() {
        LargeSession other = new LargeSession();
        try (SessionStore store = open()) {
            store.save(session.whole());
            store.save(other.whole());
            for (int v = 2; v <= 5; v++) {
                store.save(session.one(v, v));
                store.save(other.one(v, v));
            }
            store.remove(session.id);
            assertEquals("BDDDDX", types(session.id));

            clock.advance(Duration.ofHours(2));
            assertEquals(List.of(other.id), store.sweepExpired(clock.millis()));
            assertEquals("BDDDDX", types(other.id), "a sweep marks the end of the session's records");
            assertNull(store.load(other.id));
        }
        clock.advance(Duration.ofDays(1));
        try (SessionStore store = open()) {
            assertNull(store.load(session.id));
            assertNull(store.load(other.id));
            assertEquals(1, store.save(new SessionChange(other.id, clock.millis(), clock.millis(), 3600,
                    Map.of("a", new byte[1]), Set.of())), "a first save of the id starts again at version 1");
        }
        try (SessionStore store = open()) {
            assertEquals(1, store.version(other.id), "the later first save outranks the records before the sweep");
        }
    }

    private SessionChange changeOfThirty(int fill) {
        Map<String, byte[]> changed = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            byte[] value = new byte[LargeSession.VALUE];
            Arrays.fill(value, (byte) fill);
            changed.put("attribute-" + i, value);
            session.expected.put("attribute-" + i, value);
        }
        return new SessionChange(session.id, LargeSession.TIME, session.lastAccess(), 3600, changed, Set.of());
    }
}
