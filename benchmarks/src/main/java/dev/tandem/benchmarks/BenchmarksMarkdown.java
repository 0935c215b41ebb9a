package dev.tandem.benchmarks;

import dev.tandem.benchmarks.harness.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** BENCHMARKS.md as one run of {@link Run} found it. */
final class BenchmarksMarkdown {
    private BenchmarksMarkdown() {}

    static String render(Report report, String command, Instant start, Duration took, String loadBefore,
            String loadAfter, String notes, String fileStoreSection) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("<!-- Written by benchmarks/run.sh: rerun it rather than editing the figures by hand. -->\n\n");
        md.append("Measured ").append(Run.utc(start)).append(" on ").append(machine()).append("; the run took ")
                .append(took.toMinutes()).append(" min ").append(took.toSecondsPart()).append(" s. Load average "
                + "(1/5/15 min) ").append(loadBefore).append(" at the start, ").append(loadAfter).append(" at the end.\n\n");
        md.append("Command: `").append(command).append("` (builds the module, installs wrk, HAProxy and PostgreSQL "
                + "from Debian packages if missing, runs everything below on 127.0.0.1 and rewrites this file; "
                + "`./benchmarks/run.sh --smoke` runs each benchmark for a moment, fails on errors and writes nothing).\n\n");
        md.append("**Noise.** This machine has 2 cores, which other jobs may share (the load averages above "
                + "tell how busy it was), and the load generator shares them with the servers. Absolute "
                + "figures move from run to run; what is comparable is each ratio against its anchor, measured "
                + "in the same run with rounds interleaved (A, B, C, then B, C, A, ...) and repeated, shown as "
                + "median (min–max) over the rounds.\n\n");
        md.append("## Summary: the targets of issue 8\n\n");
        md.append("| benchmark | Tandem | anchor, same run | ratio | target | |\n|---|---|---|---|---|---|\n");
        for (Report.Verdict v : report.verdicts()) {
            md.append("| ").append(v.benchmark()).append(" | ").append(v.tandem()).append(" | ").append(v.anchor())
                    .append(" | ").append(v.ratio()).append(" | ").append(v.target()).append(" | ")
                    .append(v.status()).append(" |\n");
        }
        md.append("\n");
        if (!notes.isEmpty()) {
            md.append(notes).append("\n\n");
        }
        md.append(report.details());
        if (!report.profiles().isEmpty()) {
            md.append("## Where the time goes, for the missed targets (JFR)\n\n")
                    .append("Each profile: JFR (`jcmd PID JFR.start settings=profile`) on the server JVM during one "
                            + "more round of the same load, then `jfr print --events jdk.ExecutionSample` summarised: "
                            + "the hottest top-of-stack methods, and the share of samples spent inside each of the "
                            + "heaviest Tandem methods. Benchmarks that drive a store in the run's own JVM use a "
                            + "`jdk.jfr.Recording` there and count native method samples too (time in system "
                            + "calls). Few samples mean the JVM mostly waited (for a peer, a disk, or a core of "
                            + "the loaded machine).\n\n")
                    .append(report.profiles());
        }
        if (!fileStoreSection.isEmpty()) {
            md.append("## Earlier measurement by a separate script\n\n"
                    + "Kept from `benchmarks/file-store.sh` (not rerun by `run.sh`): the file store against "
                    + "Jetty's and Tomcat's file stores, driven through their APIs.\n\n")
                    .append(fileStoreSection.replace("\n## File store", "\n### File store")).append("\n");
        }
        return md.toString();
    }

    private static String machine() throws IOException {
        String model = "unknown CPU";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                model = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + model + "), Linux "
                + System.getProperty("os.version") + ", JDK " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vm.name") + ")";
    }
}
