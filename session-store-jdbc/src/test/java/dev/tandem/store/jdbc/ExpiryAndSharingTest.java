package dev.tandem.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the contract does not cover: max-idle-time, and two nodes' stores on one database. */
class ExpiryAndSharingTest {
    private static final long T0 = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0));
    private H2Server server;

    @BeforeEach
    void startServer() {
        server = H2Server.start(directory);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private SessionStore store(Map<String, String> extra) {
        Map<String, String> parameters = new HashMap<>(Map.of("jdbc-url", server.url("shared")));
        parameters.putAll(extra);
        return new JdbcStoreProvider().create(new StoreContext("app", parameters, clock, Duration.ofMinutes(30),
                getClass().getClassLoader()));
    }

    private static SessionChange change(String id, long access, int maxInactive) {
        return new SessionChange(id, T0, access, maxInactive, Map.of("a", new byte[] {1}), Set.of());
    }

    @Test
    void maxIdleTimeDecidesWhenTheSweeperDeletesARowWhateverTheSessionsInterval() {
        try (SessionStore store = store(Map.of("max-idle-time", "2h"))) {
            String shortLived = SessionId.generate("aa");
            String neverExpires = SessionId.generate("aa");
            store.save(change(shortLived, T0, 60));
            store.save(change(neverExpires, T0, 0));

            assertEquals(List.of(), store.sweepExpired(T0 + Duration.ofHours(2).toMillis()));
            store.touch(shortLived, T0 + 1_000);

            assertEquals(List.of(neverExpires), store.sweepExpired(T0 + Duration.ofHours(2).toMillis() + 1));
            assertEquals(List.of(shortLived), store.sweepExpired(T0 + Duration.ofHours(2).toMillis() + 1_001));
        }
    }

    @Test
    void aSessionSavedThroughOneNodesStoreLoadsThroughTheOthersWithItsVersion() {
        try (SessionStore a = store(Map.of()); SessionStore b = store(Map.of())) {
            String id = SessionId.generate("aa");
            a.save(change(id, T0, 1800));
            b.save(new SessionChange(id, T0, T0 + 1, 1800, Map.of("b", new byte[] {2}), Set.of()));

            assertEquals(2, a.version(id));
            assertEquals(Set.of("a", "b"), a.load(id).attributes().keySet());
        }
    }

    @Test
    void aSessionRemovedThroughOneNodesStoreIsRefusedThroughTheOthers() {
        try (SessionStore a = store(Map.of()); SessionStore b = store(Map.of())) {
            String id = SessionId.generate("aa");
            a.save(change(id, T0, 1800));
            assertNotNull(b.load(id));

            a.remove(id);

            assertNull(b.load(id));
            assertThrows(SessionRemovedException.class, () -> b.save(change(id, T0 + 1, 1800)));
        }
    }

    @Test
    void sweepsOnEveryNodeAtOnceReportEachExpiredSessionOnce() {
        try (SessionStore a = store(Map.of()); SessionStore b = store(Map.of())) {
            for (int i = 0; i < 50; i++) {
                a.save(change(SessionId.generate("aa"), T0, 60));
            }
            long now = T0 + 61_000;

            List<String> byA = new java.util.ArrayList<>();
            Thread other = new Thread(() -> byA.addAll(a.sweepExpired(now)));
            other.start();
            List<String> byB = b.sweepExpired(now);
            try {
                other.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }

            assertEquals(50, byA.size() + byB.size(), "each swept once: " + byA.size() + " + " + byB.size());
            assertEquals(50, new java.util.HashSet<String>() {{ addAll(byA); addAll(byB); }}.size());
        }
    }
}
