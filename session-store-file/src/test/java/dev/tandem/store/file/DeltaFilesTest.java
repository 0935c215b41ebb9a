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

/** A save writes only what changed, into a new delta file; every so often a new base replaces the chain. */
class DeltaFilesTest {
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

    @Test
    void aOneAttributeChangeOfALargeSessionWritesAboutOneAttributesBytes() {
        List<Long> written = new ArrayList<>();
        long whole;
        try (SessionStore store = open()) {
            store.save(session.whole());
            whole = LargeSession.sizes(directory()).get(session.id + ".1");
            for (int v = 2; v <= 101; v++) {
                Map<String, Long> before = LargeSession.sizes(directory());
                store.save(session.one(v % LargeSession.ATTRIBUTES, v));
                long created = 0;
                for (Map.Entry<String, Long> file : LargeSession.sizes(directory()).entrySet()) {
                    if (!before.containsKey(file.getKey())) {
                        created += file.getValue();
                    }
                }
                written.add(created);
                session.assertIs(store.load(session.id), v);
            }
        }
        assertTrue(whole > LargeSession.ATTRIBUTES * LargeSession.VALUE, "the whole record: " + whole + " bytes");
        long deltas = written.stream().filter(bytes -> bytes < whole).count();
        long bases = written.size() - deltas;
        for (long bytes : written) {
            // One attribute's 500 bytes, its name and the delta's 100-byte header; or a whole new base.
            assertTrue(bytes <= LargeSession.VALUE + 150 || bytes == whole, "a save wrote " + bytes + " bytes");
        }
        assertEquals(3, bases, "a new base after each 32 deltas: " + written);
        long total = written.stream().mapToLong(Long::longValue).sum();
        assertTrue(total * 20 <= whole * written.size(), "100 one-attribute saves wrote " + total
                + " bytes; saving the whole record each time writes " + whole * written.size());
        try (SessionStore store = open()) {
            session.assertIs(store.load(session.id), 101);
        }
    }

    @Test
    void after32DeltasTheNextSaveWritesANewBaseAndTheOldChainIsDeleted() {
        try (SessionStore store = open()) {
            store.save(session.whole());
            for (int v = 2; v <= 33; v++) {
                store.save(session.one(v, v));
            }
            List<String> chain = new ArrayList<>(List.of(".lock", session.id + ".1"));
            for (int v = 2; v <= 33; v++) {
                chain.add(session.id + ".1." + v);
            }
            assertEquals(chain.stream().sorted().toList(), LargeSession.names(directory()));

            store.save(session.one(34, 34));

            assertEquals(List.of(".lock", session.id + ".34"), LargeSession.names(directory()));
            session.assertIs(store.load(session.id), 34);
            store.save(session.one(35, 35));
            assertEquals(List.of(".lock", session.id + ".34", session.id + ".34.35"),
                    LargeSession.names(directory()));
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
            assertEquals(List.of(".lock", session.id + ".1", session.id + ".1.2", session.id + ".1.3",
                    session.id + ".1.4"), LargeSession.names(directory()));

            store.save(changeOfThirty(5));

            assertEquals(List.of(".lock", session.id + ".5"), LargeSession.names(directory()));
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
            assertEquals(List.of(".lock", session.id + ".1", session.id + ".1.2", session.id + ".1.3"),
                    LargeSession.names(directory()));
        }
    }

    @Test
    void aTouchWritesIntoTheNewestDeltaAndItsTimeSurvivesARestart() {
        long touched = LargeSession.TIME + 60_000;
        try (SessionStore store = open()) {
            store.save(session.whole());
            store.save(session.one(1, 1));
            store.touch(session.id, touched);
            assertEquals(touched, store.load(session.id).lastAccessedTime());
        }
        try (SessionStore store = open()) {
            assertEquals(2, store.version(session.id));
            assertEquals(touched, store.load(session.id).lastAccessedTime());
            assertEquals(3, store.save(session.one(2, 2)));
        }
    }

    @Test
    void removeAndTheExpirySweepDeleteTheBaseAndEveryDelta() {
        LargeSession other = new LargeSession();
        try (SessionStore store = open()) {
            store.save(session.whole());
            store.save(other.whole());
            for (int v = 2; v <= 5; v++) {
                store.save(session.one(v, v));
                store.save(other.one(v, v));
            }
            store.remove(session.id);
            assertEquals(List.of(".lock", session.id + ".removed", other.id + ".1", other.id + ".1.2",
                    other.id + ".1.3", other.id + ".1.4", other.id + ".1.5").stream().sorted().toList(),
                    LargeSession.names(directory()));

            clock.advance(Duration.ofHours(2));
            assertEquals(List.of(other.id), store.sweepExpired(clock.millis()));
            assertEquals(List.of(".lock"), LargeSession.names(directory()));
            assertNull(store.load(other.id));
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
