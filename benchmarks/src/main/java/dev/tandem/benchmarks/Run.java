package dev.tandem.benchmarks;

import dev.tandem.benchmarks.harness.Proc;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.benchmarks.harness.ServerProcess;
import dev.tandem.benchmarks.codec.CodecRow;
import dev.tandem.benchmarks.dispatch.DispatchRow;
import dev.tandem.benchmarks.file.StartupRow;
import dev.tandem.benchmarks.http.Failover;
import dev.tandem.benchmarks.http.HttpBenchmarks;
import dev.tandem.benchmarks.save.H2Growth;
import dev.tandem.benchmarks.save.SavePathBenchmark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every benchmark of issue 8, one after the other, and BENCHMARKS.md rewritten from what they
 * measured. Run through {@code benchmarks/run.sh}, which builds the module and starts the tools.
 *
 * <p>Usage: {@code Run [--smoke] <work dir> <BENCHMARKS.md> <command shown in the report>}. With
 * {@code --smoke} every benchmark runs for a moment, errors fail the run, and nothing is written.
 */
public final class Run {
    private interface Benchmark {
        void run(RunContext ctx) throws Exception;
    }

    private Run() {}

    public static void main(String[] args) throws Exception {
        boolean smoke = args[0].equals("--smoke");
        int a = smoke ? 1 : 0;
        Path work = Path.of(args[a]).toAbsolutePath();
        Path markdown = Path.of(args[a + 1]);
        String command = args[a + 2];
        deleteRecursively(work);
        Files.createDirectories(work);
        RunContext ctx = RunContext.fromEnvironment(smoke, work);
        ServerProcess.quickStart(smoke);
        Instant start = Instant.now();
        String loadBefore = Proc.loadAverage();
        Map<String, Benchmark> benchmarks = new LinkedHashMap<>();
        benchmarks.put("codec", CodecRow::run);
        benchmarks.put("requests", HttpBenchmarks::run);
        benchmarks.put("save path", SavePathBenchmark::run);
        benchmarks.put("dispatch", DispatchRow::run);
        benchmarks.put("failover", Failover::run);
        benchmarks.put("file store start-up", StartupRow::run);
        benchmarks.put("file store disk use", dev.tandem.benchmarks.file.DiskUseRow::run);
        benchmarks.put("file store group commit", dev.tandem.benchmarks.file.GroupCommitRow::run);
        benchmarks.put("embedded H2 growth", H2Growth::run);
        // -Dbench.only=codec,dispatch runs only those (while working on one benchmark).
        String only = System.getProperty("bench.only");
        if (only != null) {
            benchmarks.keySet().retainAll(java.util.Arrays.asList(only.split(",")));
        }
        int failed = 0;
        for (Map.Entry<String, Benchmark> benchmark : benchmarks.entrySet()) {
            Instant t = Instant.now();
            RunContext.log("== " + benchmark.getKey());
            try {
                benchmark.getValue().run(ctx);
            } catch (Exception e) {
                if (smoke) {
                    throw e;
                }
                // A full run goes on, so that one broken benchmark does not cost the others' figures;
                // the table says what failed and the command exits non-zero.
                failed++;
                e.printStackTrace();
                ctx.report().section("FAILED: " + benchmark.getKey(), "The benchmark failed in this run: `"
                        + String.valueOf(e).split("\n")[0] + "` (full output on the console).");
            }
            RunContext.log("== " + benchmark.getKey() + " took " + Duration.between(t, Instant.now()).toSeconds() + " s");
        }
        Duration took = Duration.between(start, Instant.now());
        if (smoke) {
            RunContext.log("smoke run passed in " + took.toSeconds() + " s (its figures mean nothing; BENCHMARKS.md "
                    + "left as it is)");
            return;
        }
        Files.writeString(markdown, BenchmarksMarkdown.render(ctx.report(), command, start, took, loadBefore,
                Proc.loadAverage(), existingSection(markdown, "notes"), existingSection(markdown, "file-store")));
        RunContext.log("wrote " + markdown + " (run took " + took.toMinutes() + " min " + took.toSecondsPart() + " s)");
        if (failed > 0) {
            RunContext.log(failed + " benchmark(s) failed; see above");
            System.exit(1);
        }
    }

    /**
     * A section of BENCHMARKS.md that the run keeps as it is, between {@code <!-- NAME:begin -->} and
     * {@code <!-- NAME:end -->}: the notes written by hand on a run, and the section that
     * {@code benchmarks/file-store.sh} maintains.
     */
    private static String existingSection(Path markdown, String name) throws IOException {
        if (!Files.exists(markdown)) {
            return "";
        }
        String text = Files.readString(markdown);
        String endMarker = "<!-- " + name + ":end -->";
        int begin = text.indexOf("<!-- " + name + ":begin -->");
        int end = text.indexOf(endMarker);
        return begin < 0 || end < 0 ? "" : text.substring(begin, end + endMarker.length());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String utc(Instant instant) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC)
                .format(instant);
    }
}
