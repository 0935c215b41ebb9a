package dev.tandem.chaos;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.store.file.FileStoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session files of the file store, each mutated once (bit flips, overwritten bytes, truncation,
 * trailing garbage, random bytes), then loaded by a restarted store: each is either refused, set
 * aside as {@code .corrupt} and treated as missing (or, see below, deleted as expired), or (when
 * the mutation left it intact) loaded exactly as saved. Never a partial or altered session. Builds on the file store's own
 * CorruptFilesTest, which covers one hand-made damage of each kind. The same for delta files (a
 * save that changed one attribute of a session): a mutated delta is set aside and the session
 * loads exactly at the version before it, or the delta loads intact.
 */
class FileRecordFuzzTest {
    static final int ROUNDS = 2;
    static final int SESSIONS_PER_ROUND = 400;
    private static final long NOW = System.currentTimeMillis();

    @TempDir
    Path root;

    private SessionStore open() {
        return new FileStoreProvider().create(new StoreContext("app", Map.of("path", root.toString()),
                Clock.systemUTC(), Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    @Test
    void aMutatedSessionFileIsSetAsideOrLoadedExactlyAsSavedNeverInPart() throws IOException {
        Mutations mutations = new Mutations(2025_24813);
        int refused = 0;
        int intact = 0;
        int deletedAsExpired = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> ids = new ArrayList<>();
            try (SessionStore store = open()) {
                for (int i = 0; i < SESSIONS_PER_ROUND; i++) {
                    String id = SessionId.generate("aa");
                    store.save(change(id, i));
                    ids.add(id);
                }
            }
            List<String> families = new ArrayList<>();
            for (String id : ids) {
                Path file = root.resolve("app").resolve(id + ".1");
                Mutations.Mutant mutant = mutations.record(Files.readAllBytes(file));
                families.add(mutant.family());
                Files.write(file, mutant.bytes());
            }
            try (SessionStore store = open()) {
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    StoredSession loaded = store.load(id);
                    if (loaded == null) {
                        refused++;
                        assertEquals(0, store.version(id), id);
                        assertFalse(Files.exists(root.resolve("app").resolve(id + ".1")), id);
                        if (filesOf(id).isEmpty()) {
                            // The start-up scan checks headers only; a damaged max-inactive field (covered by
                            // the record checksum alone) can make a file look expired, and expired files are
                            // deleted rather than set aside. Reported in RELIABILITY.md.
                            deletedAsExpired++;
                        } else {
                            assertEquals(List.of(id + ".1.corrupt"), filesOf(id), id + " (" + families.get(i)
                                    + ") is set aside");
                        }
                    } else {
                        intact++;
                        StoredSession expected = change(id, i).applyTo(null, 1);
                        assertEquals(1, loaded.version(), id);
                        assertEquals(expected.attributes().keySet(), loaded.attributes().keySet(), id);
                        expected.attributes().forEach((name, bytes) ->
                                assertArrayEquals(bytes, loaded.attributes().get(name), id + " " + name));
                        assertEquals(expected.creationTime(), loaded.creationTime(), id);
                        assertEquals(expected.lastAccessedTime(), loaded.lastAccessedTime(), id);
                        assertEquals(expected.maxInactiveInterval(), loaded.maxInactiveInterval(), id);
                    }
                }
            }
        }
        Map<String, Integer> families = new TreeMap<>(mutations.counts());
        System.out.println("mutated session files by family: " + families + "; refused: " + refused + " (of which deleted as expired"
                + " at start-up instead of set aside: " + deletedAsExpired + "), loaded intact (the mutation changed nothing): " + intact);
        assertEquals(ROUNDS * SESSIONS_PER_ROUND, refused + intact);
    }

    @Test
    void aMutatedDeltaFileIsSetAsideAndTheVersionBeforeItLoadsExactlyNeverAMix() throws IOException {
        Mutations mutations = new Mutations(2025_24814);
        int backToTheBase = 0;
        int intact = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> ids = new ArrayList<>();
            try (SessionStore store = open()) {
                for (int i = 0; i < SESSIONS_PER_ROUND; i++) {
                    String id = SessionId.generate("aa");
                    store.save(withFiller(change(id, i)));
                    store.save(secondSave(id, i));
                    ids.add(id);
                }
            }
            for (String id : ids) {
                Path file = root.resolve("app").resolve(id + ".1.2");
                assertTrue(Files.exists(file), "the second save wrote a delta file");
                Files.write(file, mutations.record(Files.readAllBytes(file)).bytes());
            }
            try (SessionStore store = open()) {
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    StoredSession loaded = store.load(id);
                    StoredSession first = withFiller(change(id, i)).applyTo(null, 1);
                    StoredSession expected = loaded.version() == 1 ? first : secondSave(id, i).applyTo(first, 2);
                    if (loaded.version() == 1) {
                        backToTheBase++;
                        assertEquals(List.of(id + ".1", id + ".1.2.corrupt"), filesOf(id).stream().sorted().toList(),
                                id + " delta set aside");
                    } else {
                        intact++;
                    }
                    assertEquals(loaded.version(), store.version(id), id);
                    assertEquals(expected.attributes().keySet(), loaded.attributes().keySet(), id);
                    expected.attributes().forEach((name, bytes) ->
                            assertArrayEquals(bytes, loaded.attributes().get(name), id + " " + name));
                    assertEquals(expected.lastAccessedTime(), loaded.lastAccessedTime(), id);
                    assertEquals(expected.maxInactiveInterval(), loaded.maxInactiveInterval(), id);
                }
            }
        }
        System.out.println("mutated delta files by family: " + new TreeMap<>(mutations.counts()) + "; set aside (the"
                + " session back at its base): " + backToTheBase + ", loaded intact: " + intact);
        assertEquals(ROUNDS * SESSIONS_PER_ROUND, backToTheBase + intact);
    }

    /** The first save with a 2 KiB attribute more, so that a one-attribute change is written as a delta. */
    private static SessionChange withFiller(SessionChange change) {
        Map<String, byte[]> attributes = new java.util.HashMap<>(change.changed());
        attributes.put("filler", new byte[2048]);
        return new SessionChange(change.id(), change.creationTime(), change.lastAccessedTime(),
                change.maxInactiveInterval(), attributes, Set.of());
    }

    private static SessionChange secondSave(String id, int n) {
        return new SessionChange(id, NOW + n, NOW + n + 1, 1800, Map.of("x", ("x2-" + n).getBytes(UTF_8)),
                Set.of("z"));
    }

    private List<String> filesOf(String id) throws IOException {
        try (var files = Files.list(root.resolve("app"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(id)).toList();
        }
    }

    private static SessionChange change(String id, int n) {
        return new SessionChange(id, NOW + n, NOW + n, 1800,
                Map.of("x", ("x-" + n).getBytes(UTF_8), "y", new byte[n % 300], "z", ("z" + n).getBytes(UTF_8)),
                Set.of());
    }
}
