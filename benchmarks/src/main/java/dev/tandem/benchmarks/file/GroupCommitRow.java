package dev.tandem.benchmarks.file;

import dev.tandem.benchmarks.harness.Report.Verdict;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.benchmarks.harness.Sample;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.store.file.FileStoreProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Group commit, through the store without HTTP: 32 threads each saving its own sessions (one
 * changed attribute of about 100 bytes) as fast as they can, with fsync=true and with fsync=false,
 * rounds interleaved. With group commit the fsync saves share forces, so their rate is a fraction
 * of the fsync=false rate rather than one save per flush.
 */
public final class GroupCommitRow {
    private static final int THREADS = 32;

    private GroupCommitRow() {}

    public static void run(RunContext ctx) throws Exception {
        long roundNanos = ctx.smoke() ? 200_000_000L : 2_000_000_000L;
        Sample synced = new Sample();
        Sample unsynced = new Sample();
        try (SessionStore fsync = open(ctx.work().resolve("group-commit/fsync"), true);
             SessionStore plain = open(ctx.work().resolve("group-commit/plain"), false)) {
            for (int rep = 0; rep < ctx.repetitions(); rep++) {
                synced.add(rate(fsync, roundNanos));
                unsynced.add(rate(plain, roundNanos));
            }
        }
        double ratio = synced.median() / unsynced.median();
        ctx.report().verdict(new Verdict("file store saves, fsync=true, 32 threads (group commit)",
                String.format(Locale.ROOT, "%,.0f saves/s", synced.median()),
                String.format(Locale.ROOT, "fsync=false, 32 threads: %,.0f saves/s", unsynced.median()),
                String.format(Locale.ROOT, "%.2f×", ratio), "≥ 0.3× (the write-request row's target, store only)",
                ratio >= 0.3));
        ctx.report().section("File store group commit", String.format(Locale.ROOT, """
                %d threads, each saving one changed attribute of its own sessions in a loop through the store \
                (no HTTP), rounds of %d ms interleaved, %d each: fsync=true %s saves/s, fsync=false %s saves/s, \
                median (min–max); %.2f×. A save with fsync=true returns after a force that began after its \
                append; saves waiting at the same time share it.
                """, THREADS, roundNanos / 1_000_000, ctx.repetitions(), synced.show("%,.0f"),
                unsynced.show("%,.0f"), ratio));
    }

    private static SessionStore open(Path path, boolean fsync) {
        return new FileStoreProvider().create(new StoreContext("bench", Map.of("path", path.toString(),
                "fsync", String.valueOf(fsync)), Clock.systemUTC(), Duration.ofMinutes(30),
                GroupCommitRow.class.getClassLoader()));
    }

    private static double rate(SessionStore store, long roundNanos) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            long deadline = System.nanoTime() + roundNanos;
            long start = System.nanoTime();
            List<Future<Long>> counts = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                counts.add(pool.submit(() -> {
                    String[] ids = {SessionId.generate("aa"), SessionId.generate("aa"), SessionId.generate("aa")};
                    byte[] value = new byte[100];
                    long n = 0;
                    while (System.nanoTime() < deadline) {
                        long now = System.currentTimeMillis();
                        store.save(new SessionChange(ids[(int) (n % ids.length)], now, now, 1800,
                                Map.of("counter", value), Set.of()));
                        n++;
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> count : counts) {
                total += count.get(roundNanos / 1_000_000 + 60_000, TimeUnit.MILLISECONDS);
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
