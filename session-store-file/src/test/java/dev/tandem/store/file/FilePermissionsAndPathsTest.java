package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Owner-only files and directories, params checked with helpful messages, nothing written outside path. */
class FilePermissionsAndPathsTest {
    @TempDir
    Path temp;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    private SessionStore open(String webApp, Map<String, String> parameters) {
        return new FileStoreProvider().create(new StoreContext(webApp, parameters, clock, Duration.ofMinutes(30),
                getClass().getClassLoader()));
    }

    @Test
    void directoriesTheStoreCreatesAre0700AndSegmentFiles0600() throws IOException {
        assumeTrue(Files.getFileStore(temp).supportsFileAttributeView("posix"), "not a POSIX file system");
        Path path = temp.resolve("made/by/store");
        String saved = SessionId.generate("aa");
        String removed = SessionId.generate("aa");
        try (SessionStore store = open("shop", Map.of("path", path.toString(), "segment-size", "4k"))) {
            store.save(new SessionChange(saved, 0, clock.millis(), 60, Map.of("a", new byte[10]), Set.of()));
            store.touch(saved, clock.millis() + 1);
            store.remove(removed);
            LargeSession large = new LargeSession();
            store.save(large.whole());
            store.save(large.one(1, 1));
            List<Path> segments = LogFiles.segments(path.resolve("shop"));
            assertTrue(Segment.number(segments.get(segments.size() - 1).getFileName().toString()) > 2,
                    "the log rolled over to new segments: " + segments);
        }

        for (Path directory : new Path[] {temp.resolve("made"), path, path.resolve("shop")}) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)),
                    directory.toString());
        }
        try (Stream<Path> files = Files.list(path.resolve("shop"))) {
            for (Path file : files.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                        file.toString());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", ".", "../escape", "a/b", "a\\b", ""})
    void aWebAppNameThatIsNotOneDirectoryNameIsRefusedBeforeAnythingIsCreated(String webApp) throws IOException {
        Path path = temp.resolve("sessions");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> open(webApp, Map.of("path", path.toString())));

        assertTrue(refused.getMessage().contains("web-app name"), refused.getMessage());
        try (Stream<Path> files = Files.walk(temp)) {
            assertEquals(1, files.count(), "nothing created");
        }
    }

    @Test
    void aFileNameThatWouldResolveOutsideTheStoreDirectoryIsRefused() {
        FileStoreConfig config = new FileStoreConfig(temp.resolve("app"), false);
        try (SessionDirectory directory = SessionDirectory.open(config, "[app]")) {
            assertThrows(IllegalArgumentException.class, () -> directory.inside("../outside.1"));
            assertThrows(IllegalArgumentException.class, () -> directory.inside("sub/file.1"));
            assertThrows(IllegalArgumentException.class, () -> directory.inside(".."));
            assertEquals(temp.resolve("app/ok.1"), directory.inside("ok.1"));
        }
    }

    @Test
    void aMissingPathOrABadFsyncOrSegmentSizeSaysWhatToSet() {
        IllegalArgumentException noPath = assertThrows(IllegalArgumentException.class, () -> open("app", Map.of()));
        assertTrue(noPath.getMessage().contains("path is required"), noPath.getMessage());

        IllegalArgumentException badFsync = assertThrows(IllegalArgumentException.class,
                () -> open("app", Map.of("path", temp.toString(), "fsync", "yes")));
        assertTrue(badFsync.getMessage().contains("fsync must be true or false, got 'yes'"), badFsync.getMessage());

        IllegalArgumentException badSize = assertThrows(IllegalArgumentException.class,
                () -> open("app", Map.of("path", temp.toString(), "segment-size", "1k")));
        assertTrue(badSize.getMessage().contains("segment-size must be 4k to 1024m, such as 64m, got '1k'"),
                badSize.getMessage());
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
        Map<String, String> parameters = Map.of("path", temp.toString());
        try (SessionStore first = open("app", parameters)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> open("app", parameters));
            assertTrue(refused.getMessage().contains("in use by another file store"), refused.getMessage());
        }
        open("app", parameters).close();
    }
}
