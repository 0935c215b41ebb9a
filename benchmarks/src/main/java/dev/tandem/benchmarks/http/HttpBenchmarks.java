package dev.tandem.benchmarks.http;

import dev.tandem.benchmarks.harness.Proc;
import dev.tandem.benchmarks.harness.Profiler;
import dev.tandem.benchmarks.harness.Report.Verdict;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.benchmarks.harness.Sample;
import dev.tandem.benchmarks.harness.ServerProcess;
import dev.tandem.benchmarks.harness.WarmUp;
import dev.tandem.benchmarks.harness.Wrk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The request benchmarks: sticky read-only and write requests on every store against Jetty's own
 * in-memory sessions, and the bytes a large session's save costs. Every server runs in its own JVM
 * for the whole benchmark, so that rounds interleave across them (a slow moment of the shared
 * machine hits every store alike); CPU per request is that of the server JVMs over wrk's window.
 */
public final class HttpBenchmarks {
    private final RunContext ctx;
    private final Path dir;
    private final Client client = new Client();

    private HttpBenchmarks(RunContext ctx) {
        this.ctx = ctx;
        this.dir = ctx.work().resolve("http");
    }

    public static void run(RunContext ctx) throws Exception {
        new HttpBenchmarks(ctx).runAll();
    }

    private void runAll() throws Exception {
        Files.createDirectories(dir);
        List<AppSetup> setups = List.of(
                AppSetup.jetty(dir),
                AppSetup.tandem("memory", "Tandem, memory store", dir, "persistent-store=memory"),
                AppSetup.tandem("file", "Tandem, file store (fsync=false)", dir, "persistent-store=file",
                        "path=" + dir.resolve("file-data")),
                AppSetup.tandem("file-fsync", "Tandem, file store (fsync=true)", dir, "persistent-store=file",
                        "path=" + dir.resolve("file-fsync-data"), "fsync=true"),
                AppSetup.tandem("jdbc-h2", "Tandem, JDBC store on embedded H2", dir, "persistent-store=jdbc",
                        "path=" + dir.resolve("h2-data")),
                AppSetup.tandem("jdbc-pg", "Tandem, JDBC store on PostgreSQL", dir, "persistent-store=jdbc",
                        "jdbc-url=" + ctx.postgresUrl(), "jdbc-user=" + ctx.postgresUser(),
                        "jdbc-password=" + ctx.postgresPassword(), "table-name=bench_session"),
                AppSetup.cluster("cluster", "Tandem, cluster store (2 nodes, sync backup)", dir));
        // -Dbench.setups=jetty,cluster measures only those (while working on one store); jetty is the anchor.
        String only = System.getProperty("bench.setups");
        if (only != null) {
            List<String> keys = List.of(only.split(","));
            setups = setups.stream().filter(s -> keys.contains(s.key())).toList();
        }
        List<ServerProcess> all = setups.stream().flatMap(s -> s.servers().stream()).toList();
        try {
            RunContext.log("starting " + all.size() + " server JVMs");
            ServerProcess.startAll(all);
            Path script = Wrk.cookieScript(dir);
            Map<String, Path> ids = new LinkedHashMap<>();
            for (AppSetup setup : setups) {
                ids.put(setup.key(), createSessions(setup));
            }
            List<AppSetup> readers = setups.stream().filter(s -> !s.key().equals("file-fsync")).toList();
            Map<String, List<Wrk.Result>> reads = measure(readers, "/read", script, ids);
            if (reportReads(readers, reads) && ctx.mayProfile("jcmd")) {
                profile(setups, "memory", "/read", script, ids, "Sticky read-only requests");
            }
            Map<String, List<Wrk.Result>> writes = measure(setups, "/write", script, ids);
            if (reportWrites(setups, writes) && ctx.mayProfile("jcmd")) {
                profile(setups, "cluster", "/write", script, ids, "Write requests on the cluster store");
            }
            LargeSession.run(ctx, client, setups.stream()
                    .filter(s -> s.key().equals("file") || s.key().equals("cluster")).toList());
        } finally {
            all.forEach(ServerProcess::close);
        }
    }

    /** Creates the sessions the load uses; on the cluster, waits until new sessions get app-b as backup. */
    private Path createSessions(AppSetup setup) throws Exception {
        int count = ctx.pick(1000, 50);
        if (setup.key().startsWith("cluster")) {
            awaitBackup(setup);
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(client.newSession(setup.url("/create")));
        }
        Path file = dir.resolve(setup.key() + ".ids");
        Files.write(file, ids);
        return file;
    }

    static void awaitBackup(AppSetup setup) throws Exception {
        Client client = new Client();
        long deadline = System.nanoTime() + 60_000_000_000L;
        String id;
        while (!(id = client.newSession(setup.url("/create"))).startsWith("ab")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("app-a still creates sessions without app-b as backup (" + id
                        + ") after 60 s; see " + setup.servers().get(1).log());
            }
            Thread.sleep(200);
        }
    }

    private Map<String, List<Wrk.Result>> measure(List<AppSetup> setups, String path, Path script,
            Map<String, Path> ids) throws Exception {
        int seconds = ctx.pick(4, 1);
        for (AppSetup setup : ctx.smoke() ? List.<AppSetup>of() : setups) {
            WarmUp.untilCompiled(path + " " + setup.key(), setup.pids(), () ->
                    Wrk.run(setup.url(path), 2, script, List.of(ids.get(setup.key()).toString()), setup.pids()));
        }
        Map<String, List<Wrk.Result>> results = new LinkedHashMap<>();
        for (int rep = 0; rep < ctx.repetitions(); rep++) {
            for (int i = 0; i < setups.size(); i++) {
                // Rotate the order each repetition, so that no store always runs first or last.
                AppSetup setup = setups.get((i + rep) % setups.size());
                Wrk.Result result = Wrk.run(setup.url(path), seconds, script,
                        List.of(ids.get(setup.key()).toString()), setup.pids());
                RunContext.log(String.format(Locale.ROOT, "%s %s round %d: %,.0f req/s, %.1f µs CPU/request, p99 %.2f ms",
                        path, setup.key(), rep + 1, result.requestsPerSecond(), result.cpuMicrosPerRequest(),
                        result.p99Millis()));
                results.computeIfAbsent(setup.key(), k -> new ArrayList<>()).add(result);
            }
        }
        return results;
    }

    private record Figures(Sample rps, Sample cpu, Sample p99, Sample ratio, Sample cpuDelta) {}

    /** Each store's figures, with ratios paired round by round against the anchor's. */
    private static Figures figures(List<Wrk.Result> results, List<Wrk.Result> anchor) {
        Figures f = new Figures(new Sample(), new Sample(), new Sample(), new Sample(), new Sample());
        for (int i = 0; i < results.size(); i++) {
            Wrk.Result r = results.get(i);
            f.rps().add(r.requestsPerSecond());
            f.cpu().add(r.cpuMicrosPerRequest());
            f.p99().add(r.p99Millis());
            f.ratio().add(r.requestsPerSecond() / anchor.get(i).requestsPerSecond());
            f.cpuDelta().add(r.cpuMicrosPerRequest() - anchor.get(i).cpuMicrosPerRequest());
        }
        return f;
    }

    private String table(List<AppSetup> setups, Map<String, List<Wrk.Result>> results) {
        StringBuilder md = new StringBuilder("| sessions | req/s, median (min–max) | vs Jetty in-memory (paired by round) "
                + "| server CPU µs/request | CPU vs Jetty, µs/request | p99 ms |\n|---|---|---|---|---|---|\n");
        List<Wrk.Result> anchor = results.get("jetty");
        for (AppSetup setup : setups) {
            Figures f = figures(results.get(setup.key()), anchor);
            md.append("| ").append(setup.label()).append(" | ").append(f.rps().show("%,.0f")).append(" | ")
                    .append(setup.jetty() ? "1.00×" : f.ratio().show("%.2f") + "×").append(" | ")
                    .append(f.cpu().show("%.1f")).append(" | ")
                    .append(setup.jetty() ? "" : f.cpuDelta().show("%+.1f")).append(" | ")
                    .append(f.p99().show("%.2f")).append(" |\n");
        }
        return md.toString();
    }

    /** Reports the reads; true if a target was missed. */
    private boolean reportReads(List<AppSetup> setups, Map<String, List<Wrk.Result>> results) {
        boolean missed = false;
        List<Wrk.Result> anchor = results.get("jetty");
        for (AppSetup setup : setups) {
            if (setup.jetty()) {
                continue;
            }
            Figures f = figures(results.get(setup.key()), anchor);
            boolean met = f.ratio().median() >= 0.97 && f.cpuDelta().median() <= 1.0;
            missed |= !met;
            ctx.report().verdict(new Verdict("sticky read-only request: " + setup.label(),
                    String.format(Locale.ROOT, "%,.0f req/s, %.1f µs CPU/req", f.rps().median(), f.cpu().median()),
                    String.format(Locale.ROOT, "Jetty in-memory %,.0f req/s, %.1f µs CPU/req",
                            figures(anchor, anchor).rps().median(), figures(anchor, anchor).cpu().median()),
                    String.format(Locale.ROOT, "%.2f× req/s, %+.1f µs CPU", f.ratio().median(), f.cpuDelta().median()),
                    "≥ 0.97× req/s, CPU ≤ +1 µs", met));
        }
        ctx.report().section("Sticky read-only requests", description("/read", "reads two attributes and changes "
                + "nothing") + table(setups, results));
        return missed;
    }

    /** Reports the writes; true if the cluster store's target was missed. */
    private boolean reportWrites(List<AppSetup> setups, Map<String, List<Wrk.Result>> results) {
        List<Wrk.Result> anchor = results.get("jetty");
        Figures cluster = figures(results.get("cluster"), anchor);
        Figures jetty = figures(anchor, anchor);
        ctx.report().verdict(new Verdict("write request, cluster store with synchronous backup",
                String.format(Locale.ROOT, "%,.0f req/s, p99 %.2f ms, %.1f µs CPU/req (both nodes)",
                        cluster.rps().median(), cluster.p99().median(), cluster.cpu().median()),
                String.format(Locale.ROOT, "Jetty in-memory %,.0f req/s, p99 %.2f ms", jetty.rps().median(),
                        jetty.p99().median()),
                String.format(Locale.ROOT, "%.2f× req/s", cluster.ratio().median()), "≥ 0.5× req/s; p99 reported",
                cluster.ratio().median() >= 0.5));
        ctx.report().section("Write requests (one attribute changed)", description("/write",
                "changes one attribute (`counter + 1`), which every Tandem store saves before the response is "
                + "sent") + table(setups, results)
                + "\nThe file and JDBC stores' targets are on their save path, measured without HTTP "
                + "in *Save path against the raw operation* below.\n");
        return cluster.ratio().median() < 0.5;
    }

    /** A JFR profile of the server under the same load, for a missed target. */
    private void profile(List<AppSetup> setups, String key, String path, Path script, Map<String, Path> ids,
            String title) throws Exception {
        AppSetup setup = setups.stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
        if (setup == null) {
            return; // left out by -Dbench.setups
        }
        RunContext.log("profiling " + path + " on " + key + " with JFR");
        Map<Long, Path> outs = new LinkedHashMap<>();
        for (ServerProcess server : setup.servers()) {
            outs.put(server.pid(), dir.resolve(server.name() + path.replace('/', '-') + ".jfr"));
        }
        String summary = Profiler.profile(outs, () -> Wrk.run(setup.url(path), ctx.pick(3, 1), script,
                        List.of(ids.get(key).toString()), setup.pids()));
        ctx.report().profile(title + ": " + setup.label() + ", `" + path + "`", summary);
    }

    private String description(String path, String what) {
        return String.format(Locale.ROOT, "wrk, 2 threads, %d keep-alive connections, %d s per round; each request "
                + "carries the cookie of the next of %d sessions (about 2 KiB each, five attributes) and `%s` %s. "
                + "Each server is warmed up with 2-s rounds until its JIT compiler threads used under 5%% of a round "
                + "(at most " + WarmUp.MAX_ROUNDS + " rounds), then %d rounds interleaved across the servers, the order rotated "
                + "each round. Server CPU is user + system time of the server JVMs (both nodes for the cluster) "
                + "from /proc over wrk's window, divided by the requests; wrk runs on the same 2 cores.%n%n",
                Wrk.CONNECTIONS, ctx.pick(4, 1), ctx.pick(1000, 50), path, what, ctx.repetitions());
    }

    static long wchar(ServerProcess server) {
        return Proc.bytesWritten(server.pid());
    }
}
