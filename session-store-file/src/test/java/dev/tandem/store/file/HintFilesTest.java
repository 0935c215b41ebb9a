package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoreContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hint files let start-up read records' headers instead of the segments; a hint that is damaged or
 * stale is never trusted, and records after what a hint covers are read from the segment.
 */
class HintFilesTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(NOW);
    private final List<String> ids = new ArrayList<>();

    private FileStore open() {
        return FileStore.open(new FileStoreConfig(root.resolve("app"), false, 8192, false), new StoreContext("app",
                Map.of("path", root.toString()), clock, Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    private SessionChange change(String id, int n) {
        return new SessionChange(id, clock.millis(), clock.millis() + n, 1800,
                Map.of("n", new byte[] {(byte) n}, "filler", new byte[300]), Set.of());
    }

    private void saveSome(FileStore store) {
        for (int i = 0; i < 40; i++) {
            String id = SessionId.generate("aa");
            ids.add(id);
            for (int n = 1; n <= 3; n++) {
                store.save(change(id, n));
            }
            store.touch(id, clock.millis() + 1000);
        }
        store.remove(ids.get(0));
    }

    private void expectAll(FileStore store) {
        assertNull(store.load(ids.get(0)));
        for (String id : ids.subList(1, ids.size())) {
            assertEquals(3, store.version(id));
            assertArrayEquals(new byte[] {3}, store.load(id).attributes().get("n"));
            assertEquals(clock.millis() + 1000, store.load(id).lastAccessedTime());
        }
    }

    private List<Path> hints() throws IOException {
        try (var files = Files.list(root.resolve("app"))) {
            return files.filter(f -> f.toString().endsWith(".hint")).sorted().toList();
        }
    }

    @Test
    void aClosedStoreLeavesAHintForEverySegmentAndTheNextStartReadsThemToTheSameIndex() throws IOException {
        try (FileStore store = open()) {
            saveSome(store);
        }
        assertEquals(LogFiles.segments(root.resolve("app")).size(), hints().size());
        try (FileStore store = open()) {
            expectAll(store);
        }
    }

    @Test
    void aDamagedHintIsIgnoredAndItsSegmentReadInstead() throws IOException {
        try (FileStore store = open()) {
            saveSome(store);
        }
        for (Path hint : hints()) {
            byte[] bytes = Files.readAllBytes(hint);
            bytes[bytes.length / 2] ^= 1;
            Files.write(hint, bytes);
        }
        try (FileStore store = open()) {
            expectAll(store);
        }
    }

    @Test
    void aHintOfASegmentWhoseRecordsMovedIsNotTrusted() throws IOException {
        try (FileStore store = open()) {
            saveSome(store);
        }
        for (Path segment : LogFiles.segments(root.resolve("app"))) {
            byte[] bytes = Files.readAllBytes(segment);
            byte[] moved = new byte[bytes.length + 7];
            System.arraycopy(bytes, 0, moved, 7, bytes.length);
            Files.write(segment, moved);
        }
        try (FileStore store = open()) {
            expectAll(store);
        }
    }

    @Test
    void recordsAfterWhatAHintCoversAreReadFromTheSegment() throws IOException {
        Path app = root.resolve("app");
        try (FileStore store = FileStore.open(new FileStoreConfig(app, false, 1 << 20, false), new StoreContext("app",
                Map.of("path", root.toString()), clock, Duration.ofMinutes(30), getClass().getClassLoader()))) {
            saveSome(store);
        }
        Path segment = LogFiles.segments(app).get(0);
        assertEquals(1, LogFiles.segments(app).size());
        byte[] whole = Files.readAllBytes(segment);
        // A hint written when the segment ended at session 20's first record (as at a close racing a save).
        int cut = LogFiles.record(app, ids.get(20), LogRecord.BASE, 1).offset();
        Files.write(segment, java.util.Arrays.copyOf(whole, cut));
        try (SessionDirectory directory = SessionDirectory.open(new FileStoreConfig(app, false), "[test]")) {
            Segment prefix = new Segment(1, segment, directory.openSegment(segment, false), cut);
            Hints.write(directory, prefix, "[test]");
            prefix.close();
        }
        Files.write(segment, whole);

        try (FileStore store = open()) {
            expectAll(store);
        }
    }
}
