package dev.tandem.benchmarks.file;

import dev.tandem.benchmarks.harness.Report.Verdict;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.serial.AttributeCodec;
import dev.tandem.serial.ClassFilter;
import dev.tandem.serial.Serialization;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.store.file.FileStoreProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The file store's disk use under sustained saves: many saves of one changed attribute over few
 * sessions of about 2 KiB, as fast as one thread can, with the store's own background compaction.
 * The log's bytes are sampled every 10,000 saves; the live data is what a fresh log holding only
 * each session's current record takes (the sessions saved once each into a new store).
 */
public final class DiskUseRow {
    /** Small next to the live data (about 2 MiB), as 64 MiB segments are next to a large site's. */
    private static final String SEGMENT_SIZE = "256k";

    private DiskUseRow() {}

    public static void run(RunContext ctx) throws Exception {
        int sessions = ctx.pick(1_000, 100);
        int saves = ctx.pick(1_000_000, 20_000);
        AttributeCodec codec = Serialization.KRYO.codec(DiskUseRow.class.getClassLoader(), ClassFilter.defaultFilter());
        Path path = ctx.work().resolve("disk-use");
        long max = 0;
        long slowest = 0;
        int slow = 0;
        long end;
        long live;
        long started = System.nanoTime();
        String[] ids = new String[sessions];
        try (SessionStore store = open(path.resolve("log"))) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < sessions; i++) {
                ids[i] = SessionId.generate("aa");
                Map<String, byte[]> encoded = new HashMap<>();
                SessionContent.attributes(i).forEach((key, value) -> encoded.put(key, codec.encode(key, value)));
                store.save(new SessionChange(ids[i], now, now, SessionContent.MAX_INACTIVE_SECONDS, encoded, Set.of()));
            }
            for (int n = 0; n < saves; n++) {
                long t = System.currentTimeMillis();
                long before = System.nanoTime();
                store.save(new SessionChange(ids[n % sessions], t, t, SessionContent.MAX_INACTIVE_SECONDS,
                        Map.of("counter", codec.encode("counter", n)), Set.of()));
                long took = System.nanoTime() - before;
                // A save that waited longer than a millisecond: compaction holding its session's lock, or the machine.
                slowest = Math.max(slowest, took);
                slow += took > 1_000_000 ? 1 : 0;
                if (n % 10_000 == 0) {
                    max = Math.max(max, bytes(path.resolve("log")));
                }
            }
            end = bytes(path.resolve("log"));
            max = Math.max(max, end);
            try (SessionStore fresh = open(path.resolve("live"))) {
                for (String id : ids) {
                    StoredSession s = store.load(id);
                    fresh.save(new SessionChange(id, s.creationTime(), s.lastAccessedTime(), s.maxInactiveInterval(),
                            s.attributes(), Set.of()));
                }
            }
            live = bytes(path.resolve("live"));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double ratio = (double) max / live;
        ctx.report().verdict(new Verdict(String.format(Locale.ROOT, "file store disk use, %,d saves over %,d sessions",
                saves, sessions),
                String.format(Locale.ROOT, "%.1f MiB at most while running, %.1f MiB at the end", max / 1048576.0,
                        end / 1048576.0),
                String.format(Locale.ROOT, "live data %.1f MiB", live / 1048576.0),
                String.format(Locale.ROOT, "%.2f×", ratio), "≤ 2× while running", ratio <= 2.0));
        ctx.report().section("File store disk use", String.format(Locale.ROOT, """
                %,d saves of one changed attribute, round robin over %,d sessions of about 2 KiB, on one thread \
                (%.0f s, %,.0f saves/s), with segment-size=%s and the store's own background compaction. The log \
                was sampled every 10,000 saves: at most %,d bytes, %,d at the end; the live data (each session's \
                current record alone, written to a fresh log) is %,d bytes: %.2f× at most, %.2f× at the end. With \
                the default 64 MiB segments the head segment alone can hold up to 64 MiB more than this, whatever \
                the live data. Saves that took over 1 ms while compaction ran beside them: %,d of %,d; the slowest \
                %.1f ms (a save waits for compaction only on its own session's lock, for one move).
                """, saves, sessions, seconds, saves / seconds, SEGMENT_SIZE, max, end, live, ratio,
                (double) end / live, slow, saves, slowest / 1e6));
    }

    private static SessionStore open(Path path) {
        return new FileStoreProvider().create(new StoreContext("bench", Map.of("path", path.toString(),
                "segment-size", SEGMENT_SIZE), Clock.systemUTC(), Duration.ofMinutes(30),
                DiskUseRow.class.getClassLoader()));
    }

    /** The bytes of the log's segments; compaction deletes segments while this runs, so missing files count 0. */
    private static long bytes(Path path) {
        java.io.File[] files = path.resolve("bench").toFile().listFiles((dir, name) -> name.endsWith(".seg"));
        long bytes = 0;
        for (java.io.File file : files == null ? new java.io.File[0] : files) {
            bytes += file.length();
        }
        return bytes;
    }
}
