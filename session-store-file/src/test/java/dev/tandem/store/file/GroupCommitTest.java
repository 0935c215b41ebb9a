package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoreContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With fsync, concurrent saves share forces, and none returns before a force that began after its append. */
class GroupCommitTest {
    @TempDir
    Path root;

    @Test
    void everyWaiterReturnsOnlyAfterAForceThatBeganAfterItArrived() throws Exception {
        AtomicLong appended = new AtomicLong();
        AtomicLong covered = new AtomicLong();
        GroupCommit commit = new GroupCommit(() -> {
            long seen = appended.get(); // a force covers what was appended before it began
            covered.accumulateAndGet(seen, Math::max);
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                threads.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        long mine = appended.incrementAndGet();
                        commit.await();
                        assertTrue(covered.get() >= mine, "append " + mine + " returned with forces covering only "
                                + covered.get());
                    }
                    return null;
                }));
            }
            for (Future<?> thread : threads) {
                thread.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(commit.rounds() <= 16_000, "at most one force per waiter: " + commit.rounds());
    }

    @Test
    void aFailedForceFailsTheWaitersItWasFor() {
        AtomicBoolean fail = new AtomicBoolean(true);
        GroupCommit commit = new GroupCommit(() -> {
            if (fail.get()) {
                throw new IOException("disk gone");
            }
        });
        IOException failed = assertThrows(IOException.class, commit::await);
        assertTrue(failed.getMessage().contains("disk gone"), failed.getMessage());
    }

    @Test
    void concurrentFsyncSavesShareForces() throws Exception {
        int threads = 8;
        int saves = 40;
        try (FileStore store = (FileStore) new FileStoreProvider().create(new StoreContext("app",
                Map.of("path", root.toString(), "fsync", "true"), new MutableClock(Instant.now()),
                Duration.ofMinutes(30), getClass().getClassLoader()))) {
            long before = store.log().forces();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String id = SessionId.generate("aa");
                    futures.add(pool.submit(() -> {
                        for (int n = 1; n <= saves; n++) {
                            assertEquals(n, store.save(new SessionChange(id, 0, 0, 1800, Map.of("n", new byte[n]),
                                    Set.of())));
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            long forces = store.log().forces() - before;
            System.out.println(threads * saves + " fsync saves on " + threads + " threads took " + forces + " forces");
            assertTrue(forces < threads * saves, threads * saves + " saves took " + forces + " forces");
        }
    }
}
