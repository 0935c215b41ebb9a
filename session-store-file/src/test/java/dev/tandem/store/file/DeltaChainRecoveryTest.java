package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionStore;
import java.io.IOException;
import java.nio.file.Files;
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
 * Chains of base and delta files as a crash or a damaged disk leaves them: the newest version that
 * a whole, unbroken chain reaches wins, no acknowledged save is lost to a crash, and files no chain
 * reaches are deleted. CrashSafetyTest kills a real writer; these tests build each state by hand.
 */
class DeltaChainRecoveryTest {
    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(LargeSession.TIME));
    private final LargeSession session = new LargeSession();

    private SessionStore open() {
        return LargeSession.openStore(root, clock);
    }

    private Path file(String suffix) {
        return root.resolve("app").resolve(session.id + suffix);
    }

    /** Saves versions 1 (the base) to {@code last} (deltas); the expected attributes at each version. */
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
        assertEquals(version, store.version(session.id));
        var loaded = store.load(session.id);
        assertEquals(version, loaded.version());
        assertEquals(session.expected.keySet(), loaded.attributes().keySet());
        session.expected.forEach((name, bytes) -> assertTrue(Arrays.equals(bytes, loaded.attributes().get(name)),
                "attribute " + name + " at version " + version));
    }

    @Test
    void aCorruptDeltaInTheMiddleEndsTheChainAtTheVersionBeforeIt() throws IOException {
        List<Map<String, byte[]>> versions;
        try (SessionStore store = open()) {
            versions = saveUpTo(store, 6);
        }
        byte[] four = Files.readAllBytes(file(".1.4"));
        four[four.length - 1] ^= 1;
        Files.write(file(".1.4"), four);

        try (SessionStore store = open()) {
            // Start-up reads the newest delta only; the load finds the damage and goes back to version 3.
            store.load(session.id);
            expectVersion(store, versions, 3);
            assertTrue(Files.exists(file(".1.4.corrupt")));
            assertEquals(7, store.save(session.one(9, 9)), "versions 4 to 6 were given once already");
        }
        try (SessionStore store = open()) {
            assertEquals(List.of(".lock", session.id + ".1.4.corrupt", session.id + ".7"),
                    LargeSession.names(root.resolve("app")));
            session.assertIs(store.load(session.id), 7);
        }
    }

    @Test
    void aDeltaACrashCutShortIsSetAsideAtStartAndTheAcknowledgedVersionBeforeItLoads() throws IOException {
        List<Map<String, byte[]>> versions;
        try (SessionStore store = open()) {
            versions = saveUpTo(store, 4);
        }
        // The save of version 5 was killed while writing its delta: never acknowledged.
        Files.write(file(".1.5"), Arrays.copyOf(Files.readAllBytes(file(".1.4")), 300));

        try (SessionStore store = open()) {
            expectVersion(store, versions, 4);
            assertTrue(Files.exists(file(".1.5.corrupt")));
            assertEquals(6, store.save(session.one(9, 9)));
            session.assertIs(store.load(session.id), 6);
        }
    }

    @Test
    void anEmptyDeltaFromACrashRightAfterItsCreationIsSetAsideToo() throws IOException {
        List<Map<String, byte[]>> versions;
        try (SessionStore store = open()) {
            versions = saveUpTo(store, 2);
        }
        Files.write(file(".1.3"), new byte[0]);

        try (SessionStore store = open()) {
            expectVersion(store, versions, 2);
            assertTrue(Files.exists(file(".1.3.corrupt")));
        }
    }

    @Test
    void aCrashAfterANewBaseIsWrittenButBeforeTheOldChainIsDeletedLeavesTheNewBase() throws IOException {
        Map<String, byte[]> oldChain = new HashMap<>();
        try (SessionStore store = open()) {
            saveUpTo(store, 33);
            for (String name : LargeSession.names(root.resolve("app"))) {
                if (name.startsWith(session.id)) {
                    oldChain.put(name, Files.readAllBytes(root.resolve("app").resolve(name)));
                }
            }
            assertEquals(34, store.save(session.one(1, 34)), "the 33rd delta would be one too many: a new base");
        }
        for (Map.Entry<String, byte[]> file : oldChain.entrySet()) {
            Files.write(root.resolve("app").resolve(file.getKey()), file.getValue());
        }

        try (SessionStore store = open()) {
            session.assertIs(store.load(session.id), 34);
            assertEquals(List.of(".lock", session.id + ".34"), LargeSession.names(root.resolve("app")));
        }
    }

    @Test
    void aCrashWhileTheOldChainIsBeingDeletedLeavesTheNewBaseAndTheLeftoverDeltasGo() throws IOException {
        try (SessionStore store = open()) {
            saveUpTo(store, 10);
        }
        byte[] delta = Files.readAllBytes(file(".1.9"));
        try (SessionStore store = open()) {
            // 80 more one-attribute saves: new bases at versions 34 and 67, the old chain deleted.
            for (int i = 0; i < 80; i++) {
                store.save(session.one(i, 11));
            }
        }
        // As if the old base was already deleted and the kill came before its deltas were.
        Files.write(file(".1.9"), delta);

        try (SessionStore store = open()) {
            session.assertIs(store.load(session.id), 90);
            List<String> names = LargeSession.names(root.resolve("app"));
            assertTrue(names.stream().noneMatch(n -> n.startsWith(session.id + ".1.")),
                    "the deltas without their base are deleted: " + names);
        }
    }

    @Test
    void aNewBaseACrashCutShortLeavesTheOldChainWhichLoadsAtTheLastAcknowledgedVersion() throws IOException {
        List<Map<String, byte[]>> versions;
        byte[] newBase;
        try (SessionStore store = open()) {
            versions = saveUpTo(store, 33);
        }
        Path app = root.resolve("app");
        Path copy = Files.createDirectory(root.resolve("copy"));
        for (String name : LargeSession.names(app)) {
            Files.copy(app.resolve(name), copy.resolve(name));
        }
        try (SessionStore store = open()) {
            store.save(session.one(1, 34));
            newBase = Files.readAllBytes(file(".34"));
        }
        // The directory as it was before that save, plus the new base cut short by the kill.
        for (String name : LargeSession.names(app)) {
            Files.delete(app.resolve(name));
        }
        for (String name : LargeSession.names(copy)) {
            Files.copy(copy.resolve(name), app.resolve(name));
        }
        Files.write(file(".34"), Arrays.copyOf(newBase, newBase.length / 2));

        try (SessionStore store = open()) {
            expectVersion(store, versions, 33);
            assertTrue(Files.exists(file(".34.corrupt")));
            assertEquals(34, store.save(session.one(2, 34)));
        }
        try (SessionStore store = open()) {
            session.assertIs(store.load(session.id), 34);
        }
    }

    @Test
    void deltasWithoutABaseOrAfterAGapAreDeletedAtStart() throws IOException {
        List<Map<String, byte[]>> versions;
        try (SessionStore store = open()) {
            versions = saveUpTo(store, 5);
        }
        Files.delete(file(".1.3"));
        LargeSession orphan = new LargeSession();
        Files.write(root.resolve("app").resolve(orphan.id + ".4.5"), new byte[] {1, 2, 3});

        try (SessionStore store = open()) {
            expectVersion(store, versions, 2);
            assertEquals(0, store.version(orphan.id));
            assertEquals(List.of(".lock", session.id + ".1", session.id + ".1.2"),
                    LargeSession.names(root.resolve("app")));
            assertEquals(6, store.save(session.one(9, 9)), "versions 3 to 5 were given once already");
        }
    }
}
