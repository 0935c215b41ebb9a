package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A session of {@value #ATTRIBUTES} attributes of {@value #VALUE} bytes (about 100 KB, large enough
 * that 32 one-attribute deltas stay under half its base) and the attributes it should have, for the
 * tests of delta files. Each change fills one attribute's value with a byte of the caller's choice.
 */
final class LargeSession {
    static final int ATTRIBUTES = 200;
    static final int VALUE = 500;
    static final long TIME = 1_735_689_600_000L;

    final String id = SessionId.generate("aa");
    final Map<String, byte[]> expected = new HashMap<>();
    private long lastAccess = TIME;

    /** A file store on {@code root} for web-app {@code app}, on {@code clock}. */
    static SessionStore openStore(Path root, Clock clock) {
        return new FileStoreProvider().create(new StoreContext("app", Map.of("path", root.toString()), clock,
                Duration.ofMinutes(30), LargeSession.class.getClassLoader()));
    }

    /** The first save: every attribute, filled with 0. */
    SessionChange whole() {
        for (int i = 0; i < ATTRIBUTES; i++) {
            expected.put("attribute-" + i, filled(0));
        }
        return new SessionChange(id, TIME, lastAccess, 3600, expected, Set.of());
    }

    /** A save that changes attribute {@code i} to bytes of {@code fill}. */
    SessionChange one(int i, int fill) {
        expected.put("attribute-" + i, filled(fill));
        return new SessionChange(id, TIME, ++lastAccess, 3600, Map.of("attribute-" + i, filled(fill)), Set.of());
    }

    /** A save that removes attribute {@code i}. */
    SessionChange without(int i) {
        expected.remove("attribute-" + i);
        return new SessionChange(id, TIME, ++lastAccess, 3600, Map.of(), Set.of("attribute-" + i));
    }

    long lastAccess() {
        return lastAccess;
    }

    /** Checks that {@code loaded} is this session at {@code version}, every attribute byte for byte. */
    void assertIs(StoredSession loaded, long version) {
        assertNotNull(loaded, "session " + id);
        assertEquals(version, loaded.version());
        assertEquals(expected.keySet(), loaded.attributes().keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, loaded.attributes().get(name), name));
        assertEquals(lastAccess, loaded.lastAccessedTime());
    }

    private static byte[] filled(int fill) {
        byte[] value = new byte[VALUE];
        Arrays.fill(value, (byte) fill);
        return value;
    }

    /** The names of the files in {@code directory}, sorted. */
    static List<String> names(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sizes of the files in {@code directory} by name. */
    static Map<String, Long> sizes(Path directory) {
        Map<String, Long> sizes = new HashMap<>();
        for (String name : names(directory)) {
            try {
                sizes.put(name, Files.size(directory.resolve(name)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sizes;
    }
}
