package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged records in the middle of a segment, between good ones: the good ones load, each bad one
 * is stepped over and its session treated as missing, and the start goes on.
 */
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
    void eachKindOfDamagedRecordIsSteppedOverWhileTheRecordsAroundItLoad() throws IOException {
        Map<String, BiConsumer<byte[], Integer>> damage = new LinkedHashMap<>();
        // Each gets the segment's bytes and the record's offset, and damages that record in place.
        damage.put("zeroed", (bytes, at) -> java.util.Arrays.fill(bytes, at, at + 100, (byte) 0));
        damage.put("random bytes", (bytes, at) -> {
            byte[] random = new byte[100];
            new Random(7).nextBytes(random);
            System.arraycopy(random, 0, bytes, at, random.length);
        });
        damage.put("wrong magic", (bytes, at) -> bytes[at] = 'X');
        damage.put("a length too long", (bytes, at) -> bytes[at + 6] += 1);
        damage.put("a length too short", (bytes, at) -> bytes[at + 6] -= 1);
        damage.put("unknown type", (bytes, at) -> bytes[at + 8] = 9);
        damage.put("a flipped bit in the id", (bytes, at) -> bytes[at + 12] ^= 1);
        damage.put("a flipped bit in an attribute", (bytes, at) -> bytes[at + 200] ^= 0x10);
        damage.put("wrong checksum", (bytes, at) -> bytes[at + java.nio.ByteBuffer.wrap(bytes).getInt(at + 4) - 1] ^= 1);
        List<String> good = new ArrayList<>();
        Map<String, String> bad = new LinkedHashMap<>();
        try (SessionStore store = open()) {
            for (String kind : damage.keySet()) {
                String before = SessionId.generate("aa");
                store.save(change(before, "good " + good.size()));
                good.add(before);
                String id = SessionId.generate("aa");
                store.save(change(id, kind));
                bad.put(kind, id);
            }
            String last = SessionId.generate("aa");
            store.save(change(last, "good " + good.size()));
            good.add(last);
        }
        Path segment = LogFiles.segments(directory()).get(0);
        byte[] bytes = Files.readAllBytes(segment);
        for (Map.Entry<String, String> kind : bad.entrySet()) {
            damage.get(kind.getKey()).accept(bytes, LogFiles.record(directory(), kind.getValue(), LogRecord.BASE, 1).offset());
        }
        Files.write(segment, bytes);

        try (SessionStore store = open()) {
            for (int i = 0; i < good.size(); i++) {
                assertArrayEquals(("good " + i).getBytes(UTF_8), store.load(good.get(i)).attributes().get("a"),
                        "good session " + i);
            }
            bad.forEach((kind, id) -> {
                assertNull(store.load(id), kind);
                assertEquals(0, store.version(id), kind);
                assertEquals(1, store.save(change(id, "fresh")), "a fresh save of the " + kind + " session");
            });
            String fresh = SessionId.generate("aa");
            assertEquals(1, store.save(change(fresh, "fresh")));
            assertNotNull(store.load(fresh));
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
        Files.createDirectory(directory().resolve(Segment.name(77)));
        Files.writeString(directory().resolve("log-12.seg"), "not a segment of ours");

        try (SessionStore store = open()) {
            assertArrayEquals("kept".getBytes(UTF_8), store.load(id).attributes().get("a"));
        }
        assertTrue(Files.exists(directory().resolve("notes.txt")));
        assertTrue(Files.exists(directory().resolve("log-12.seg")));
    }

    @Test
    void aDamagedTombstoneOfASessionNeverSavedIsSteppedOverAndTheStartGoesOn() throws IOException {
        String id = SessionId.generate("aa");
        String kept = SessionId.generate("aa");
        try (SessionStore store = open()) {
            store.remove(id);
            store.save(change(kept, "kept"));
            assertThrows(SessionRemovedException.class, () -> store.save(change(id, "late")));
        }
        LogFiles.flip(LogFiles.records(directory()).get(0), 20, 1);

        try (SessionStore store = open()) {
            assertEquals(0, store.version(id));
            assertArrayEquals("kept".getBytes(UTF_8), store.load(kept).attributes().get("a"));
        }
    }
}
