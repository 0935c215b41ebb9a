package dev.tandem.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a server JVM's time goes under load: JFR started in the running JVM with {@code jcmd},
 * the load run, the recording dumped, and its execution samples ({@code jdk.ExecutionSample})
 * summarised: the hottest top frames, and the share of samples passing through each of the
 * hottest methods (inclusive).
 */
public final class Profiler {
    private Profiler() {}

    /** A load to profile. */
    public interface Load {
        void run() throws Exception;
    }

    /** Profiles {@code pid} while {@code load} runs; a short markdown summary. */
    public static String profile(long pid, Path out, Load load) throws Exception {
        return profile(Map.of(pid, out), load);
    }

    /** Profiles every JVM of {@code outs} (pid to recording file) during the same load. */
    public static String profile(Map<Long, Path> outs, Load load) throws Exception {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        String jcmd = bin.resolve("jcmd").toString();
        String name = "bench" + System.nanoTime();
        for (Map.Entry<Long, Path> e : outs.entrySet()) {
            Files.createDirectories(e.getValue().getParent());
            tool(jcmd, String.valueOf(e.getKey()), "JFR.start", "name=" + name, "settings=profile");
        }
        load.run();
        StringBuilder md = new StringBuilder();
        for (Map.Entry<Long, Path> e : outs.entrySet()) {
            tool(jcmd, String.valueOf(e.getKey()), "JFR.dump", "name=" + name, "filename=" + e.getValue());
            tool(jcmd, String.valueOf(e.getKey()), "JFR.stop", "name=" + name);
            String printed = tool(bin.resolve("jfr").toString(), "print", "--events", "jdk.ExecutionSample",
                    "--stack-depth", "64", e.getValue().toString());
            md.append(outs.size() > 1 ? "`" + e.getValue().getFileName() + "`: " : "").append(summarise(printed))
                    .append(outs.size() > 1 ? "\n" : "");
        }
        return md.toString();
    }

    /** Profiles this JVM while {@code load} runs (a benchmark that drives a store in-process). */
    public static String profileHere(Path out, Load load) throws Exception {
        Files.createDirectories(out.getParent());
        try (jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
            recording.start();
            load.run();
            recording.stop();
            recording.dump(out);
        }
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        // The benchmark's thread spends much of a save inside system calls: native samples count too.
        String printed = tool(bin.resolve("jfr").toString(), "print", "--events",
                "jdk.ExecutionSample,jdk.NativeMethodSample", "--stack-depth", "64", out.toString());
        return summarise(printed) + "(Java and native method samples of this JVM; recording: `" + out.getFileName()
                + "`)\n";
    }

    static String summarise(String printed) {
        Map<String, Integer> top = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int samples = 0;
        List<String> stack = null;
        for (String raw : printed.split("\n")) {
            String line = raw.trim();
            if (line.startsWith("stackTrace = [")) {
                stack = new ArrayList<>();
            } else if (stack != null && line.startsWith("]")) {
                if (!stack.isEmpty()) {
                    samples++;
                    top.merge(shorten(stack.get(0)), 1, Integer::sum);
                    // Once per sample, however often a method recurs; the benchmark's own driver is left out.
                    Set<String> seen = new HashSet<>();
                    for (String frame : stack) {
                        if (frame.startsWith("dev.tandem.") && !frame.startsWith("dev.tandem.benchmarks.")) {
                            seen.add(shorten(frame));
                        }
                    }
                    seen.forEach(m -> inclusive.merge(m, 1, Integer::sum));
                }
                stack = null;
            } else if (stack != null && !line.isEmpty() && !line.equals("...")) {
                int cut = line.indexOf("  line:");
                stack.add(cut < 0 ? line : line.substring(0, cut).trim());
            }
        }
        if (samples == 0) {
            return "No execution samples were recorded.\n";
        }
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%,d execution samples. Hottest top frames: ",
                samples));
        int total = samples;
        top.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(6)
                .forEach(e -> md.append(String.format(Locale.ROOT, "`%s` %.0f%%; ", e.getKey(),
                        100.0 * e.getValue() / total)));
        md.append("\nShare of samples inside Tandem methods (inclusive): ");
        inclusive.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(10)
                .forEach(e -> md.append(String.format(Locale.ROOT, "`%s` %.0f%%; ", e.getKey(),
                        100.0 * e.getValue() / total)));
        return md.append("\n").toString();
    }

    private static String shorten(String frame) {
        int paren = frame.indexOf('(');
        String method = paren < 0 ? frame : frame.substring(0, paren);
        String[] parts = method.split("\\.");
        return parts.length < 2 ? method : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static String tool(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }
}
