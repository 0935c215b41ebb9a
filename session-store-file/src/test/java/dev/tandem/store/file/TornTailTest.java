package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash cuts the last record of the log at any byte: the start cuts the torn tail off at the
 * end of the last whole record, every record before it loads, and the log takes appends again.
 */
class TornTailTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(NOW);

    private SessionStore open() {
        return new FileStoreProvider().create(new StoreContext("app", Map.of("path", root.toString()), clock,
                Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    private static SessionChange change(String id, String value) {
        return new SessionChange(id, NOW.toEpochMilli(), NOW.toEpochMilli(), 1800,
                Map.of("a", value.getBytes(UTF_8)), Set.of());
    }

    @Test
    void aLastRecordCutAtEveryByteIsCutOffAndEverythingBeforeItLoads() throws IOException {
        String before = SessionId.generate("aa");
        String torn = SessionId.generate("aa");
        try (SessionStore store = open()) {
            store.save(change(before, "one"));
            store.save(new SessionChange(torn, NOW.toEpochMilli(), NOW.toEpochMilli(), 1800,
                    Map.of("a", "one".getBytes(UTF_8), "filler", new byte[1000]), Set.of()));
            store.save(change(torn, "two"));
        }
        Path app = root.resolve("app");
        Path segment = LogFiles.segments(app).get(0);
        byte[] whole = Files.readAllBytes(segment);
        LogFiles.Found last = LogFiles.record(app, torn, LogRecord.DELTA, 2);
        for (int keep = 0; keep < last.length(); keep++) {
            for (Path file : LogFiles.segments(app)) {
                Files.delete(file);
            }
            Files.write(segment, Arrays.copyOf(whole, last.offset() + keep));

            try (SessionStore store = open()) {
                assertArrayEquals("one".getBytes(UTF_8), store.load(before).attributes().get("a"), "cut at " + keep);
                assertEquals(1, store.version(torn), "cut at " + keep);
                assertArrayEquals("one".getBytes(UTF_8), store.load(torn).attributes().get("a"), "cut at " + keep);
                assertEquals(last.offset(), Files.size(segment), "the torn tail is cut off, cut at " + keep);
                assertEquals(2, store.save(change(torn, "again")), "cut at " + keep);
            }
            try (SessionStore store = open()) {
                assertArrayEquals("again".getBytes(UTF_8), store.load(torn).attributes().get("a"), "cut at " + keep);
            }
        }
    }

    @Test
    void aTailOfZerosAfterTheLastRecordIsCutOffToo() throws IOException {
        String id = SessionId.generate("aa");
        try (SessionStore store = open()) {
            store.save(change(id, "one"));
        }
        Path segment = LogFiles.segments(root.resolve("app")).get(0);
        long size = Files.size(segment);
        Files.write(segment, new byte[4096], java.nio.file.StandardOpenOption.APPEND);

        try (SessionStore store = open()) {
            assertArrayEquals("one".getBytes(UTF_8), store.load(id).attributes().get("a"));
            assertEquals(size, Files.size(segment));
            assertNull(store.load(SessionId.generate("aa")));
        }
    }
}
