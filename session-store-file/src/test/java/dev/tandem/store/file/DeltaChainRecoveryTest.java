package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chains of base and delta records as a crash or a damaged disk leaves them in the log: the newest
 * version that a whole, unbroken chain reaches wins, no acknowledged save is lost to a crash, and a
 * version given once is never given again to another record. CrashSafetyTest kills a real writer;
 * these tests damage the log by hand.
 */
class DeltaChainRecoveryTest {
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

    /** Saves versions 1 (the base) to {@code last} (deltas, and a new base at 34); the expected attributes at each. */
    private List<Map<String, byte[]>> saveUpTo(SessionStore store, int last) {
        List<Map<String, byte[]>> versions = new ArrayList<>(List.of(Map.of()));
        store.save(session.whole());
        versions.add(new HashMap<>(session.expected));
        for (int v = 2; v <= last; v++) {
            store.save(session.one(v, v));
            versions.add(new HashMap<>(session.expected));
        }
        return versions;
    }

    private void expectVersion(SessionStore store, List<Map<String, byte[]>> versions, int version) {
        session.expected.clear();
        session.expected.putAll(versions.get(version));
        var loaded = store.load(session.id);
        assertEquals(version, store.version(session.id));
        assertEquals(version, loaded.version());
        assertEquals(session.expected.keySet(), loaded.attributes().keySet());
        session.expected.forEach((name, bytes) -> assertTrue(Arrays.equals(bytes, loaded.attributes().get(name)),
                "attribute " + name + " at version " + version));
    }

    @Test
    void aDamagedDeltaInTheMiddleEndsTheChainAtTheVersionBeforeIt() {
        List<Map<String, byte[]>> versions;
        try (SessionStore store = open()) {
            versions = saveUpTo(store, 6);
        }
        LogFiles.Found four = LogFiles.record(directory(), session.id, LogRecord.DELTA, 4);
        LogFiles.flip(four, four.length() - 10, 1);

        try (SessionStore store = open()) {
            expectVersion(store, versions, 3);
            assertEquals(7, store.save(session.one(9, 9)), "versions 4 to 6 were given once already");
        }
        try (SessionStore store = open()) {
            session.assertIs(store.load(session.id), 7);
        }
    }

    @Test
    void aDeltaDamagedAfterStartUpIsFoundByTheLoadWhichGoesBackToTheVersionBeforeIt() {
        List<Map<String, byte[]>> versions;
        try (SessionStore store = open()) {
            versions = saveUpTo(store, 6);
        }
        try (SessionStore store = open()) {
            LogFiles.Found four = LogFiles.record(directory(), session.id, LogRecord.DELTA, 4);
            LogFiles.flip(four, four.length() - 10, 1);

            expectVersion(store, versions, 3);
            assertEquals(7, store.save(session.one(9, 9)), "versions 4 to 6 were given once already");
            session.assertIs(store.load(session.id), 7);
        }
    }

    @Test
    void aDeltaACrashCutShortIsCutOffAtStartAndTheAcknowledgedVersionBeforeItLoads() {
        List<Map<String, byte[]>> versions;
        try (SessionStore store = open()) {
            versions = saveUpTo(store, 5);
        }
        // The save of version 5 was killed while appending its delta: never acknowledged.
        LogFiles.Found five = LogFiles.record(directory(), session.id, LogRecord.DELTA, 5);
        LogFiles.cut(five, five.length() / 2);

        try (SessionStore store = open()) {
            expectVersion(store, versions, 4);
            assertEquals(5, store.save(session.one(9, 9)), "version 5 never reached the log, so it is free");
            session.assertIs(store.load(session.id), 5);
        }
    }

    @Test
    void aNewBaseACrashCutShortLeavesTheOldChainWhichLoadsAtTheLastAcknowledgedVersion() {
        List<Map<String, byte[]>> versions;
        try (SessionStore store = open()) {
            versions = saveUpTo(store, 34);
        }
        LogFiles.Found base = LogFiles.record(directory(), session.id, LogRecord.BASE, 34);
        LogFiles.cut(base, base.length() / 2);

        try (SessionStore store = open()) {
            expectVersion(store, versions, 33);
            assertEquals(34, store.save(session.one(2, 34)));
        }
        try (SessionStore store = open()) {
            session.assertIs(store.load(session.id), 34);
        }
    }

    @Test
    void aDamagedBaseLosesTheSessionAndAFreshSaveStartsIt() {
        try (SessionStore store = open()) {
            saveUpTo(store, 3);
        }
        LogFiles.Found base = LogFiles.record(directory(), session.id, LogRecord.BASE, 1);
        LogFiles.flip(base, 200, 0x40);

        try (SessionStore store = open()) {
            // Start-up read the hint file, written before the damage: the load finds it.
            assertNull(store.load(session.id));
            assertEquals(0, store.version(session.id));
            assertEquals(1, store.save(session.whole()));
            session.assertIs(store.load(session.id), 1);
        }
    }

    @Test
    void aBaseALoadFindsDamagedLosesTheSessionAndTheOlderChainDoesNotComeBackAfterARestart() {
        try (SessionStore store = open()) {
            saveUpTo(store, 35);
        }
        try (SessionStore store = open()) {
            LogFiles.Found base = LogFiles.record(directory(), session.id, LogRecord.BASE, 34);
            LogFiles.flip(base, 200, 0x40);

            assertNull(store.load(session.id));
            assertEquals(0, store.version(session.id));
        }
        try (SessionStore store = open()) {
            assertEquals(0, store.version(session.id), "versions 1 to 33 stay behind the loss");
        }
    }
}
