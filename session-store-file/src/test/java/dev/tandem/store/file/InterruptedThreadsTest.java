package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request thread that is interrupted while it saves or loads (a container's time-out) closes a
 * file channel for every thread; the log reopens it, the operation completes, the interrupt is
 * kept for the caller, and the other threads never notice.
 */
class InterruptedThreadsTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path root;

    @Test
    void anInterruptedThreadSavesAndLoadsAndKeepsItsInterruptAndTheStoreGoesOn() throws Exception {
        try (SessionStore store = new FileStoreProvider().create(new StoreContext("app",
                Map.of("path", root.toString()), new MutableClock(NOW), Duration.ofMinutes(30),
                getClass().getClassLoader()))) {
            String id = SessionId.generate("aa");
            long t = NOW.toEpochMilli();
            store.save(new SessionChange(id, t, t, 1800, Map.of("a", new byte[] {1}, "b", new byte[3000]), Set.of()));
            boolean[] stillInterrupted = new boolean[2];
            Thread interrupted = new Thread(() -> {
                Thread.currentThread().interrupt();
                store.save(new SessionChange(id, t, t, 1800, Map.of("a", new byte[] {2}), Set.of()));
                stillInterrupted[0] = Thread.interrupted();
                Thread.currentThread().interrupt();
                store.load(id);
                stillInterrupted[1] = Thread.currentThread().isInterrupted();
            });
            interrupted.start();
            interrupted.join();

            assertTrue(stillInterrupted[0] && stillInterrupted[1], "the interrupt is kept for the caller");
            assertEquals(3, store.save(new SessionChange(id, t, t, 1800, Map.of("a", new byte[] {3}), Set.of())));
            assertArrayEquals(new byte[] {3}, store.load(id).attributes().get("a"));
        }
    }
}
