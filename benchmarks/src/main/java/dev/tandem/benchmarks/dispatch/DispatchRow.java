package dev.tandem.benchmarks.dispatch;

import dev.tandem.benchmarks.harness.Profiler;
import dev.tandem.benchmarks.harness.Report.Verdict;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.benchmarks.harness.Sample;
import dev.tandem.benchmarks.harness.ServerProcess;
import dev.tandem.benchmarks.harness.WarmUp;
import dev.tandem.benchmarks.harness.Wrk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The web tier: keep-alive GETs through the {@code DispatchFilter} to two Jetty backends, against
 * HAProxy (roundrobin, {@code http-reuse always}) and Jetty's {@code ProxyHandler} in front of the
 * same two backends, and straight to one backend, in the same run.
 */
public final class DispatchRow {
    private DispatchRow() {}

    private record Route(String key, String label, String url, List<Long> pids) {}

    public static void run(RunContext ctx) throws Exception {
        Path dir = ctx.work().resolve("dispatch");
        Files.createDirectories(dir);
        List<ServerProcess> all = new ArrayList<>();
        try {
            ServerProcess a = ServerProcess.java("backend-a", dir.resolve("backend-a.log"), List.of(), BackendMain.class);
            ServerProcess b = ServerProcess.java("backend-b", dir.resolve("backend-b.log"), List.of(), BackendMain.class);
            all.addAll(List.of(a, b));
            ServerProcess.startAll(List.of(a, b));
            ServerProcess filter = ServerProcess.java("dispatch-filter", dir.resolve("web-tier.log"), List.of(),
                    WebTierMain.class, "app-a=127.0.0.1:" + a.port() + " app-b=127.0.0.1:" + b.port());
            ServerProcess proxyHandler = ServerProcess.java("proxy-handler", dir.resolve("proxy-handler.log"),
                    List.of(), ProxyHandlerMain.class, String.valueOf(a.port()), String.valueOf(b.port()));
            all.addAll(List.of(filter, proxyHandler));
            ServerProcess.startAll(List.of(filter, proxyHandler));
            int haproxyPort = RunContext.freePort();
            Path config = dir.resolve("haproxy.cfg");
            Files.writeString(config, haproxyConfig(haproxyPort, a.port(), b.port()));
            ServerProcess haproxy = ServerProcess.program("haproxy", dir.resolve("haproxy.log"),
                    List.of(haproxyBinary(), "-db", "-f", config.toString()));
            all.add(haproxy);
            haproxy.start(false);
            awaitPort(haproxyPort, haproxy);

            List<Route> routes = List.of(
                    new Route("direct", "straight to one backend", "http://127.0.0.1:" + a.port() + "/",
                            List.of(a.pid())),
                    new Route("haproxy", "HAProxy (roundrobin, http-reuse always)", "http://127.0.0.1:" + haproxyPort
                            + "/", List.of(haproxy.pid(), a.pid(), b.pid())),
                    new Route("proxy-handler", "Jetty 12 ProxyHandler.Reverse", "http://127.0.0.1:"
                            + proxyHandler.port() + "/", List.of(proxyHandler.pid(), a.pid(), b.pid())),
                    new Route("filter", "Tandem DispatchFilter in Jetty 12", "http://127.0.0.1:" + filter.port() + "/",
                            List.of(filter.pid(), a.pid(), b.pid())));
            Map<String, List<Wrk.Result>> results = measure(ctx, routes);
            boolean missed = report(ctx, routes, results);
            if (missed && ctx.mayProfile("jcmd")) {
                Route route = routes.get(3);
                ctx.report().profile("Dispatch: the web tier running the DispatchFilter", Profiler.profile(
                        filter.pid(), dir.resolve("web-tier.jfr"), () -> Wrk.run(route.url(), ctx.pick(3, 1),
                                null, List.of(), route.pids())));
            }
        } finally {
            all.forEach(ServerProcess::close);
        }
    }

    private static Map<String, List<Wrk.Result>> measure(RunContext ctx, List<Route> routes) throws Exception {
        for (Route route : routes) {
            if (ctx.smoke()) {
                answersOnce(route.url()); // a cold proxy on a loaded machine may not answer within a 1 s round
            } else {
                WarmUp.untilCompiled("dispatch " + route.key(), route.pids(),
                        () -> Wrk.run(route.url(), 2, null, List.of(), route.pids()));
            }
        }
        Map<String, List<Wrk.Result>> results = new LinkedHashMap<>();
        for (int rep = 0; rep < ctx.repetitions(); rep++) {
            for (int i = 0; i < routes.size(); i++) {
                Route route = routes.get((i + rep) % routes.size());
                Wrk.Result r = Wrk.run(route.url(), ctx.pick(4, 1), null, List.of(), route.pids());
                RunContext.log(String.format(Locale.ROOT, "dispatch %s round %d: %,.0f req/s, %.1f µs CPU/request",
                        route.key(), rep + 1, r.requestsPerSecond(), r.cpuMicrosPerRequest()));
                results.computeIfAbsent(route.key(), k -> new ArrayList<>()).add(r);
            }
        }
        return results;
    }

    private static void answersOnce(String url) throws Exception {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode());
        }
    }

    private static boolean report(RunContext ctx, List<Route> routes, Map<String, List<Wrk.Result>> results) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, """
                Two Jetty 12 backends answering a 13-byte body; each proxy in its own process in front of both, \
                round robin, requests without a session; wrk, 2 threads, %d keep-alive connections, %d s per \
                round, each route warmed up with 2-s rounds until the JIT compiler threads of its JVMs used under 5%% \
                of a round (at most %d rounds), %d rounds interleaved (order rotated each round). Server CPU is \
                user + system time per request of the proxy and both backends (the backend alone for direct), \
                from /proc over wrk's window. wrk, the proxy and the backends share the 2 cores, so a proxy's \
                own CPU is taken from the same cores that serve.

                | route | req/s, median (min–max) | vs HAProxy (paired) | server CPU µs/request | p99 ms |
                |---|---|---|---|---|
                """, Wrk.CONNECTIONS, ctx.pick(4, 1), WarmUp.MAX_ROUNDS, ctx.repetitions()));
        List<Wrk.Result> haproxy = results.get("haproxy");
        Map<String, Sample> vsHaproxy = new LinkedHashMap<>();
        Map<String, Sample> rps = new LinkedHashMap<>();
        for (Route route : routes) {
            Sample r = new Sample();
            Sample cpu = new Sample();
            Sample p99 = new Sample();
            Sample ratio = new Sample();
            List<Wrk.Result> list = results.get(route.key());
            for (int i = 0; i < list.size(); i++) {
                r.add(list.get(i).requestsPerSecond());
                cpu.add(list.get(i).cpuMicrosPerRequest());
                p99.add(list.get(i).p99Millis());
                ratio.add(list.get(i).requestsPerSecond() / haproxy.get(i).requestsPerSecond());
            }
            vsHaproxy.put(route.key(), ratio);
            rps.put(route.key(), r);
            md.append("| ").append(route.label()).append(" | ").append(r.show("%,.0f")).append(" | ")
                    .append(ratio.show("%.2f")).append("× | ").append(cpu.show("%.1f")).append(" | ")
                    .append(p99.show("%.2f")).append(" |\n");
        }
        Sample filterVsProxyHandler = new Sample();
        for (int i = 0; i < haproxy.size(); i++) {
            filterVsProxyHandler.add(results.get("filter").get(i).requestsPerSecond()
                    / results.get("proxy-handler").get(i).requestsPerSecond());
        }
        double f = vsHaproxy.get("filter").median();
        ctx.report().verdict(new Verdict("dispatch filter, keep-alive GET to 2 backends",
                String.format(Locale.ROOT, "%,.0f req/s", rps.get("filter").median()),
                String.format(Locale.ROOT, "HAProxy %,.0f req/s", rps.get("haproxy").median()),
                String.format(Locale.ROOT, "%.2f× HAProxy", f),
                "≥ 1.0× HAProxy (goal), ≥ 0.75× (floor)", f >= 0.75));
        ctx.report().verdict(new Verdict("dispatch filter, keep-alive GET to 2 backends",
                String.format(Locale.ROOT, "%,.0f req/s", rps.get("filter").median()),
                String.format(Locale.ROOT, "Jetty ProxyHandler %,.0f req/s", rps.get("proxy-handler").median()),
                String.format(Locale.ROOT, "%.2f× ProxyHandler", filterVsProxyHandler.median()),
                "beat ProxyHandler (> 1.0×)", filterVsProxyHandler.median() > 1.0));
        md.append(String.format(Locale.ROOT, "%nDispatch filter against Jetty's ProxyHandler, paired by round: %s×. "
                + "Against HAProxy: %s× (goal ≥ 1.0×%s).%n", filterVsProxyHandler.show("%.2f"),
                vsHaproxy.get("filter").show("%.2f"), f >= 1.0 ? ", met" : f >= 0.75 ? ": floor met, goal not"
                        : ": below the 0.75× floor"));
        ctx.report().section("Dispatch (web tier)", md.toString());
        return f < 1.0;
    }

    static String haproxyConfig(int port, int backendA, int backendB) {
        return String.format(Locale.ROOT, """
                # Written by the benchmark: HAProxy as DESIGN.md measured it, round robin, reused connections.
                global
                    maxconn 4096
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 30s
                    timeout server 30s
                    http-reuse always
                frontend web
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    balance roundrobin
                    server app-a 127.0.0.1:%d
                    server app-b 127.0.0.1:%d
                """, port, backendA, backendB);
    }

    private static String haproxyBinary() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
    }

    static void awaitPort(int port, ServerProcess process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.alive()) {
                throw new IOException(process.name() + " exited: " + process.tail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IOException(process.name() + " did not listen on " + port + " within 30 s: " + process.tail());
    }
}
