package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.store.file.FileStoreProvider;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's disk copy written in the format before the log (three file stores: copies with the
 * cluster version in a reserved attribute, removals as expiring records, missed-writes notices
 * under hashed ids) is folded into the log at its first start, and the old stores deleted.
 */
class LegacyDiskCopyTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @TempDir
    Path path;

    private final Clock clock = Clock.systemUTC();

    private StoreContext context() {
        return new StoreContext("app", Map.of(), clock, TIMEOUT, getClass().getClassLoader());
    }

    private SessionStore oldStore(String name) {
        return new FileStoreProvider().create(LogCopy.at(context(), path.resolve(name)));
    }

    /** A copy as the old disk copy saved it: the cluster's numbers in reserved attributes. */
    private static SessionChange oldCopy(String id, long version, Long confirmed, String value) {
        long now = System.currentTimeMillis();
        Map<String, byte[]> attributes = new HashMap<>();
        attributes.put("user", value.getBytes(UTF_8));
        attributes.put(LegacyDiskCopy.VERSION_ATTRIBUTE, ByteBuffer.allocate(8).putLong(version).array());
        if (confirmed != null) {
            attributes.put(LegacyDiskCopy.CONFIRMED_ATTRIBUTE, ByteBuffer.allocate(8).putLong(confirmed).array());
        }
        return new SessionChange(id, now, now, 1800, attributes, Set.of());
    }

    @Test
    void everyCopyRemovalAndNoticeOfTheOldFormatIsFoldedIntoTheLogOnceAndTheOldStoresDeleted() {
        String acknowledged = SessionId.generate("ab");
        String unacknowledged = SessionId.generate("ab");
        String removed = SessionId.generate("ab");
        String missed = SessionId.generate("ab");
        try (SessionStore copies = oldStore("copies"); SessionStore removals = oldStore("removals");
             SessionStore notices = oldStore("missed")) {
            copies.save(oldCopy(acknowledged, 7, null, "seven"));
            copies.save(oldCopy(unacknowledged, 4, 3L, "four"));
            copies.save(oldCopy(removed, 2, null, "two"));
            copies.remove(removed);
            long now = System.currentTimeMillis();
            removals.save(new SessionChange(removed, now, now, 3600, Map.of(), Set.of()));
            notices.save(new SessionChange(LegacyDiskCopy.recordId("b"), now, now, 0,
                    Map.of(missed, new byte[0]), Set.of()));
            notices.save(new SessionChange(LegacyDiskCopy.recordId("c"), now, now, 0,
                    Map.of(LegacyDiskCopy.ALL, new byte[0]), Set.of()));
        }

        for (int start = 1; start <= 2; start++) { // the second start reads the log alone
            DiskCopy disk = LogCopy.open(context(), path, List.of("b", "c"), "test: ");
            try {
                StoredSession seven = disk.read(acknowledged);
                assertEquals(7, seven.version());
                assertEquals(Set.of("user"), seven.attributes().keySet(), "no reserved attribute is left");
                assertArrayEquals("seven".getBytes(UTF_8), seven.attributes().get("user"));
                assertEquals(7, disk.confirmedVersion(acknowledged));
                assertEquals(4, disk.version(unacknowledged));
                assertEquals(3, disk.confirmedVersion(unacknowledged));
                assertNull(disk.read(removed));
                assertTrue(disk.isRemoved(removed));
                assertTrue(disk.removedUntil(removed) > System.currentTimeMillis() + Duration.ofMinutes(50).toMillis());
                assertThrows(SessionRemovedException.class, () -> disk.write(new StoredSession(removed, 3,
                        0, System.currentTimeMillis(), 1800, Map.of())));
                assertEquals(new DiskCopy.Notices(Set.of(missed), false), disk.notices("b"));
                assertEquals(new DiskCopy.Notices(Set.of(), true), disk.notices("c"));
            } finally {
                disk.close();
            }
            for (String old : List.of("copies", "removals", "missed")) {
                assertFalse(Files.exists(path.resolve(old)), old + " is deleted once folded in");
            }
        }
    }

    @Test
    void aStartThatFindsTheOldStoresAgainKeepsWhatTheLogHolds() {
        String id = SessionId.generate("ab");
        try (SessionStore copies = oldStore("copies")) {
            copies.save(oldCopy(id, 5, null, "five"));
        }
        DiskCopy disk = LogCopy.open(context(), path, List.of("b"), "test: ");
        disk.apply(new SessionChange(id, 0, System.currentTimeMillis(), 1800, Map.of("user", "six".getBytes(UTF_8)),
                Set.of()), 6, 6);
        disk.close();
        // As if a start had crashed after writing the log but before deleting the old stores.
        try (SessionStore copies = oldStore("copies")) {
            copies.save(oldCopy(id, 5, null, "five"));
        }

        disk = LogCopy.open(context(), path, List.of("b"), "test: ");
        try {
            assertEquals(6, disk.version(id));
            assertArrayEquals("six".getBytes(UTF_8), disk.read(id).attributes().get("user"));
            assertFalse(Files.exists(path.resolve("copies")));
        } finally {
            disk.close();
        }
    }
}
