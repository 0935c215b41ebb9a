package dev.tandem.benchmarks.file;

import dev.tandem.benchmarks.harness.Report.Verdict;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.benchmarks.harness.Sample;
import java.util.Locale;

/** The file store's start-up over 100,000 stored sessions: time to index them, heap the index keeps. */
public final class StartupRow {
    private StartupRow() {}

    public static void run(RunContext ctx) throws Exception {
        int sessions = ctx.pick(100_000, 2_000);
        FileStoreBenchmark.Startup startup = FileStoreBenchmark.measureStartup(
                ctx.work().resolveSibling("startup-fixture-" + sessions),
                sessions, ctx.repetitions());
        Sample millis = new Sample();
        startup.millis().forEach(millis::add);
        ctx.report().verdict(new Verdict(String.format(Locale.ROOT, "file store start-up, %,d sessions", sessions),
                String.format(Locale.ROOT, "%,.0f ms; heap %.1f MiB (%d bytes per session)", millis.median(),
                        startup.heapBytes() / 1048576.0, startup.heapBytes() / sessions),
                "–", "–", "≤ 1 s, heap reported", millis.median() <= 1000));
        ctx.report().section("File store start-up", String.format(Locale.ROOT, """
                %,d sessions of about 2 KiB written by the store (once: `benchmarks/target/startup-fixture-*` \
                is kept for the next run while it holds them all), then the store opened %d times on them (it \
                reads its log to build its index: the hint files of sealed segments, else the segments; page \
                cache warm): %s ms, median (min–max). Heap \
                kept by the open store's index: %.1f MiB (%d bytes per session), taken as the used heap after GC \
                with the store open minus the same once it is closed.
                """, sessions, millis.size(), millis.show("%,.0f"), startup.heapBytes() / 1048576.0,
                startup.heapBytes() / sessions));
    }
}
