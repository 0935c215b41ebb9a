package dev.tandem.benchmarks.save;

import dev.tandem.benchmarks.harness.Report.Verdict;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.store.jdbc.JdbcStoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The JDBC store's zero-configuration default (embedded H2 under {@code path}) under sustained
 * saves: 1,000 sessions of about 2 KiB, each updated 1,000 times (one attribute, round robin), then
 * the database file's size against the live data it holds.
 */
public final class H2Growth {
    private H2Growth() {}

    public static void run(RunContext ctx) throws Exception {
        int sessions = ctx.pick(1000, 20);
        int updates = ctx.pick(1000, 20);
        long budgetNanos = ctx.smoke() ? 10_000_000_000L : 100_000_000_000L;
        Path path = ctx.work().resolve("h2-growth");
        TandemSaves saves = new TandemSaves("Tandem JDBC store on H2", new JdbcStoreProvider(),
                Map.of("path", path.toString()), sessions);
        long start = System.nanoTime();
        long done = 0;
        long total = (long) sessions * updates;
        long deadline = start + budgetNanos;
        while (done < total && System.nanoTime() < deadline) {
            saves.save((int) done);
            done++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long live = 0;
        for (int i = 0; i < sessions; i++) {
            StoredSession stored = saves.store().load(saves.id(i));
            live += stored.id().length() + 8 * 4;
            for (Map.Entry<String, byte[]> attribute : stored.attributes().entrySet()) {
                live += attribute.getKey().length() + attribute.getValue().length;
            }
        }
        long openSize = databaseBytes(path);
        saves.close();
        long closedSize = databaseBytes(path);
        double ratio = (double) openSize / live;
        boolean complete = done == total;
        String scale = complete ? "" : String.format(Locale.ROOT, " (scaled down: %,d of %,d updates fitted in the "
                + "time budget of %d s)", done, total, budgetNanos / 1_000_000_000L);
        ctx.report().verdict(new Verdict(String.format(Locale.ROOT, "H2 embedded default, %,d sessions × %,d updates%s",
                sessions, updates, scale),
                String.format(Locale.ROOT, "database file %.1f MB (%.1f MB after close)", openSize / 1e6,
                        closedSize / 1e6),
                String.format(Locale.ROOT, "live data %.2f MB", live / 1e6),
                String.format(Locale.ROOT, "%.1f× the live data", ratio), "≤ 10× the live data", ratio <= 10));
        ctx.report().section("Embedded H2 under sustained saves", String.format(Locale.ROOT, """
                `persistent-store=jdbc` with only `path` (the zero-configuration default: an embedded H2 file \
                database), driven through the store's API by one thread: %,d sessions of about 2 KiB, then %,d \
                saves of one changed attribute each, round robin (%,d per session)%s, in %.0f s (%,.0f saves/s). \
                Live data: the ids, times and attribute names and bytes the store holds at the end. The file is \
                measured while the store is still open (what a running server carries) and after `close()`.

                | | bytes |
                |---|---|
                | live data | %,d |
                | database file, store open | %,d (%.1f× the live data) |
                | database file, after close | %,d (%.1f×) |
                """, sessions, done, updates, scale, seconds, done / seconds, live, openSize, ratio, closedSize,
                (double) closedSize / live));
    }

    private static long databaseBytes(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".db"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
