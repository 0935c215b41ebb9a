package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files beside good ones: the good ones load, each bad one is set aside and treated as missing. */
class CorruptFilesTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(NOW);

    private SessionStore open() {
        return new FileStoreProvider().create(new StoreContext("app", Map.of("path", root.toString()), clock,
                Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    private Path directory() {
        return root.resolve("app");
    }

    private static SessionChange change(String id, String value) {
        return new SessionChange(id, NOW.toEpochMilli(), NOW.toEpochMilli(), 1800,
                Map.of("a", value.getBytes(UTF_8), "b", new byte[300]), Set.of());
    }

    @Test
    void eachKindOfCorruptFileIsSetAsideWhileTheGoodSessionsLoad() throws IOException {
        List<String> good = new ArrayList<>();
        Map<String, UnaryOperator<byte[]>> damage = new LinkedHashMap<>();
        damage.put("empty", bytes -> new byte[0]);
        damage.put("truncated in the header", bytes -> Arrays.copyOf(bytes, 40));
        damage.put("truncated in the attributes", bytes -> Arrays.copyOf(bytes, bytes.length - 100));
        damage.put("random bytes", bytes -> {
            byte[] random = new byte[bytes.length];
            new Random(7).nextBytes(random);
            return random;
        });
        damage.put("wrong magic", bytes -> with(bytes, 0, 'X'));
        damage.put("wrong checksum", bytes -> with(bytes, bytes.length - 1, bytes[bytes.length - 1] + 1));
        damage.put("unknown format version", bytes -> with(bytes, 7, 99));
        damage.put("damaged last access time", bytes -> with(bytes, 9, bytes[9] + 1));
        Map<String, String> bad = new LinkedHashMap<>();
        try (SessionStore store = open()) {
            for (int i = 0; i < 3; i++) {
                String id = SessionId.generate("aa");
                store.save(change(id, "good " + i));
                good.add(id);
            }
            for (String kind : damage.keySet()) {
                String id = SessionId.generate("aa");
                store.save(change(id, kind));
                bad.put(kind, id);
            }
        }
        damage.forEach((kind, how) -> rewrite(directory().resolve(bad.get(kind) + ".1"), how));

        try (SessionStore store = open()) {
            for (int i = 0; i < good.size(); i++) {
                assertArrayEquals(("good " + i).getBytes(UTF_8), store.load(good.get(i)).attributes().get("a"));
            }
            bad.forEach((kind, id) -> {
                assertNull(store.load(id), kind);
                assertEquals(0, store.version(id), kind);
                assertTrue(Files.exists(directory().resolve(id + ".1.corrupt")), kind + " is set aside");
                assertFalse(Files.exists(directory().resolve(id + ".1")), kind);
                assertEquals(1, store.save(change(id, "fresh")), "a fresh save of the " + kind + " session");
            });
            String fresh = SessionId.generate("aa");
            assertEquals(1, store.save(change(fresh, "fresh")));
            assertNotNull(store.load(fresh));
        }
    }

    @Test
    void afterACrashBetweenWritingAndDeletingTheNewestWholeVersionWins() throws IOException {
        String id = SessionId.generate("aa");
        try (SessionStore store = open()) {
            store.save(change(id, "one"));
            store.save(change(id, "two"));
        }
        byte[] two = Files.readAllBytes(directory().resolve(id + ".2"));
        // As if the process died after writing version 2 (a copy of it stands in for version 1)
        // and version 3 was cut short by the kill.
        Files.write(directory().resolve(id + ".1"), two);
        Files.write(directory().resolve(id + ".3"), Arrays.copyOf(two, 10));

        try (SessionStore store = open()) {
            assertEquals(2, store.version(id));
            assertArrayEquals("two".getBytes(UTF_8), store.load(id).attributes().get("a"));
            assertEquals(3, store.save(change(id, "three")));
        }
        try (var files = Files.list(directory())) {
            assertEquals(List.of(".lock", id + ".3", id + ".3.corrupt"),
                    files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void strayFilesAndDirectoriesAreLeftAloneAndDoNotStopTheStart() throws IOException {
        String id = SessionId.generate("aa");
        try (SessionStore store = open()) {
            store.save(change(id, "kept"));
        }
        Files.writeString(directory().resolve("notes.txt"), "not a session");
        Files.createDirectory(directory().resolve(SessionId.generate("aa") + ".7"));
        Files.writeString(directory().resolve(id + ".removed.bak"), "not a tombstone");

        try (SessionStore store = open()) {
            assertArrayEquals("kept".getBytes(UTF_8), store.load(id).attributes().get("a"));
        }
        assertTrue(Files.exists(directory().resolve("notes.txt")));
    }

    @Test
    void aCorruptTombstoneIsSetAsideAndTheStartGoesOn() throws IOException {
        String id = SessionId.generate("aa");
        try (SessionStore store = open()) {
            store.remove(id);
        }
        Files.write(directory().resolve(id + ".removed"), new byte[] {1, 2, 3});

        try (SessionStore store = open()) {
            assertTrue(Files.exists(directory().resolve(id + ".removed.corrupt")));
            assertEquals(0, store.version(id));
        }
    }

    private static byte[] with(byte[] bytes, int index, int value) {
        byte[] changed = bytes.clone();
        changed[index] = (byte) value;
        return changed;
    }

    private static void rewrite(Path file, UnaryOperator<byte[]> how) {
        try {
            Files.write(file, how.apply(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
