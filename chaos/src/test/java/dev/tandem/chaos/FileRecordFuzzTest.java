package dev.tandem.chaos;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.store.file.FileStoreProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records of the file store's session log, each mutated once in its segment (bit flips, overwritten
 * bytes, truncation, trailing garbage, random bytes), then loaded by a restarted store: each session
 * is either refused (its record stepped over, the session treated as missing) or, when the mutation
 * left it intact, loaded exactly as saved; never a partial or altered session, and the start never
 * fails. The same for delta records (a save that changed one attribute): a mutated delta ends the
 * chain and the session loads exactly at the version before it, or the delta loads intact. Reads
 * the log's framing as documented in the file store (magic "TNDL", length, type, id, version).
 * Builds on the file store's own CorruptFilesTest and LogFuzzTest.
 */
class FileRecordFuzzTest {
    static final int ROUNDS = 2;
    static final int SESSIONS_PER_ROUND = 400;
    private static final long NOW = System.currentTimeMillis();
    private static final int MAGIC = 0x544E444C;

    @TempDir
    Path root;

    private SessionStore open() {
        return new FileStoreProvider().create(new StoreContext("app", Map.of("path", root.toString()),
                Clock.systemUTC(), Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    @Test
    void aMutatedSessionRecordIsRefusedOrLoadedExactlyAsSavedNeverInPart() throws IOException {
        Mutations mutations = new Mutations(2025_24813);
        int refused = 0;
        int intact = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> ids = new ArrayList<>();
            try (SessionStore store = open()) {
                for (int i = 0; i < SESSIONS_PER_ROUND; i++) {
                    String id = SessionId.generate("aa");
                    store.save(change(id, i));
                    ids.add(id);
                }
            }
            mutateRecords(mutations, 1);
            try (SessionStore store = open()) {
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    StoredSession loaded = store.load(id);
                    if (loaded == null) {
                        refused++;
                        assertEquals(0, store.version(id), id);
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
        System.out.println("mutated session records by family: " + new TreeMap<>(mutations.counts()) + "; refused: "
                + refused + ", loaded intact (the mutation changed nothing): " + intact);
        assertEquals(ROUNDS * SESSIONS_PER_ROUND, refused + intact);
    }

    @Test
    void aMutatedDeltaRecordEndsTheChainAndTheVersionBeforeItLoadsExactlyNeverAMix() throws IOException {
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
            mutateRecords(mutations, 2);
            try (SessionStore store = open()) {
                for (int i = 0; i < ids.size(); i++) {
                    String id = ids.get(i);
                    StoredSession loaded = store.load(id);
                    StoredSession first = withFiller(change(id, i)).applyTo(null, 1);
                    StoredSession expected = loaded.version() == 1 ? first : secondSave(id, i).applyTo(first, 2);
                    if (loaded.version() == 1) {
                        backToTheBase++;
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
        System.out.println("mutated delta records by family: " + new TreeMap<>(mutations.counts()) + "; stepped over"
                + " (the session back at its base): " + backToTheBase + ", loaded intact: " + intact);
        assertEquals(ROUNDS * SESSIONS_PER_ROUND, backToTheBase + intact);
    }

    /**
     * Rewrites every segment with each record of version {@code version} mutated once, the others as
     * they were; a mutation that changes a record's length shifts the records after it, as a torn or
     * garbled write would.
     */
    private void mutateRecords(Mutations mutations, long version) throws IOException {
        List<Path> segments;
        try (Stream<Path> files = Files.list(root.resolve("app"))) {
            segments = files.filter(f -> f.getFileName().toString().startsWith("log-")).sorted().toList();
        }
        int mutated = 0;
        for (Path segment : segments) {
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(segment));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at + 8 <= in.capacity() && in.getInt(at) == MAGIC) {
                int length = in.getInt(at + 4);
                byte[] record = new byte[length];
                in.get(at, record);
                boolean target = in.getLong(at + 9 + SessionId.LENGTH) == version
                        && SessionId.isWellFormed(new String(record, 9, SessionId.LENGTH, US_ASCII));
                out.writeBytes(target ? mutations.record(record).bytes() : record);
                mutated += target ? 1 : 0;
                at += length;
            }
            Files.write(segment, out.toByteArray());
        }
        assertTrue(mutated >= SESSIONS_PER_ROUND, "mutated " + mutated + " records");
    }

    /** The first save with a 2 KiB attribute more, so that a one-attribute change is written as a delta. */
    private static SessionChange withFiller(SessionChange change) {
        Map<String, byte[]> attributes = new HashMap<>(change.changed());
        attributes.put("filler", new byte[2048]);
        return new SessionChange(change.id(), change.creationTime(), change.lastAccessedTime(),
                change.maxInactiveInterval(), attributes, Set.of());
    }

    private static SessionChange secondSave(String id, int n) {
        return new SessionChange(id, NOW + n, NOW + n + 1, 1800, Map.of("x", ("x2-" + n).getBytes(UTF_8)),
                Set.of("z"));
    }

    private static SessionChange change(String id, int n) {
        return new SessionChange(id, NOW + n, NOW + n, 1800,
                Map.of("x", ("x-" + n).getBytes(UTF_8), "y", new byte[n % 300], "z", ("z" + n).getBytes(UTF_8)),
                Set.of());
    }
}
