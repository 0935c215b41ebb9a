package dev.tandem.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One wrk run against a server, with the server processes' CPU time over the same window. An error
 * (a non-2xx response or a socket error) fails the run: a benchmark that errs measures nothing.
 */
public final class Wrk {
    public static final int CONNECTIONS = 32;
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(ms|s|m)");
    private static final Pattern P99 = Pattern.compile("^\\s*99%\\s+([\\d.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern P50 = Pattern.compile("^\\s*50%\\s+([\\d.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** What one run measured; CPU is the sum over the server processes given. */
    public record Result(long requests, double seconds, double p50Millis, double p99Millis, long cpuMicros) {
        public double requestsPerSecond() {
            return requests / seconds;
        }

        public double cpuMicrosPerRequest() {
            return (double) cpuMicros / requests;
        }
    }

    private Wrk() {}

    /**
     * Runs wrk (2 threads, {@value #CONNECTIONS} connections, keep-alive) for {@code seconds} against
     * {@code url}; {@code script} (may be null) is a Lua file given {@code scriptArgs}.
     */
    public static Result run(String url, int seconds, Path script, List<String> scriptArgs, List<Long> serverPids)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c" + CONNECTIONS, "-d" + seconds + "s",
                "--latency", "--timeout", "30s"));
        if (script != null) {
            command.add("-s");
            command.add(script.toString());
        }
        command.add(url);
        if (script != null && !scriptArgs.isEmpty()) {
            command.add("--");
            command.addAll(scriptArgs);
        }
        long cpuBefore = Proc.cpuMicros(serverPids);
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = wrk.waitFor();
        long cpu = Proc.cpuMicros(serverPids) - cpuBefore;
        if (exit != 0) {
            throw new IOException("wrk exited with " + exit + ": " + String.join(" ", command) + "\n" + out);
        }
        Matcher requests = REQUESTS.matcher(out);
        if (!requests.find()) {
            throw new IOException("no request count in wrk's output:\n" + out);
        }
        long count = Long.parseLong(requests.group(1));
        double elapsed = Double.parseDouble(requests.group(2)) * switch (requests.group(3)) {
            case "ms" -> 0.001;
            case "m" -> 60;
            default -> 1;
        };
        Matcher non2xx = NON_2XX.matcher(out);
        Matcher socket = SOCKET.matcher(out);
        long errors = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        if (errors > 0 || count == 0) {
            throw new IOException(errors + " errors (non-2xx responses or socket errors) in " + count
                    + " requests: " + String.join(" ", command) + "\n" + out);
        }
        return new Result(count, elapsed, millis(P50, out), millis(P99, out), cpu);
    }

    private static double millis(Pattern pattern, String out) {
        Matcher m = pattern.matcher(out);
        if (!m.find()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    /** A Lua script that sends each request with the next session cookie of a file (one id a line). */
    public static Path cookieScript(Path dir) throws IOException {
        Path script = dir.resolve("cookies.lua");
        Files.createDirectories(dir);
        Files.writeString(script, """
                -- Each request carries the next session id of the file given after --, round robin.
                local ids = {}
                local n = 0
                local i = 0
                function init(args)
                  for line in io.lines(args[1]) do
                    n = n + 1
                    ids[n] = line
                  end
                  i = math.random(n)
                end
                function request()
                  i = i % n + 1
                  return wrk.format(nil, nil, {["Cookie"] = "JSESSIONID=" .. ids[i]})
                end
                """);
        return script;
    }
}
