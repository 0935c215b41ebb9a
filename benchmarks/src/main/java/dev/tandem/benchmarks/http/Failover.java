package dev.tandem.benchmarks.http;

import dev.tandem.benchmarks.dispatch.WebTierMain;
import dev.tandem.benchmarks.harness.Report.Verdict;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.benchmarks.harness.Sample;
import dev.tandem.benchmarks.harness.ServerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Failover: three app nodes on the cluster store behind a web tier running the DispatchFilter
 * (defaults), each in its own JVM. A session is created and written through the web tier; a client
 * keeps sending idempotent GETs for it; its owner is killed with SIGKILL. Measured: the time from
 * the kill to the first successful response, the GETs that failed meanwhile, and whether that
 * response shows the last acknowledged write. The killed node is restarted between rounds.
 */
public final class Failover {
    private static final List<String> NAMES = List.of("app-a", "app-b", "app-c");
    private static final long RECOVER_MILLIS = 16_000;

    private Failover() {}

    public static void run(RunContext ctx) throws Exception {
        Path dir = ctx.work().resolve("failover");
        Files.createDirectories(dir);
        int[] httpPorts = new int[3];
        List<String> clusterEntries = new ArrayList<>();
        List<String> httpEntries = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            httpPorts[i] = RunContext.freePort();
            clusterEntries.add(NAMES.get(i) + "=127.0.0.1:" + RunContext.freePort());
            httpEntries.add(NAMES.get(i) + "=127.0.0.1:" + httpPorts[i]);
        }
        String clusterList = String.join(" ", clusterEntries);
        List<ServerProcess> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            nodes.add(AppSetup.node("failover", dir, NAMES.get(i), httpPorts[i], clusterList));
        }
        ServerProcess web = ServerProcess.java("web-tier", dir.resolve("web-tier.log"), List.of(), WebTierMain.class,
                String.join(" ", httpEntries));
        List<ServerProcess> all = new ArrayList<>(nodes);
        all.add(web);
        Client client = new Client();
        Sample millis = new Sample();
        int failed = 0;
        int stale = 0;
        StringBuilder rounds = new StringBuilder();
        try {
            ServerProcess.startAll(all);
            String base = "http://127.0.0.1:" + web.port();
            for (int rep = 0; rep < ctx.repetitions(); rep++) {
                String id = sessionWithLiveBackup(client, base, nodes);
                int owner = NAMES.indexOf("app-" + id.charAt(0));
                int acknowledged = 0;
                for (int i = 0; i < 5; i++) {
                    acknowledged = count(client.ok(base + "/write", id));
                }
                Probe probe = new Probe(client, base + "/read", id);
                Thread thread = new Thread(probe, "failover-probe");
                thread.start();
                probe.awaitFirstSuccess();
                long killed = System.nanoTime();
                probe.killedAt(killed);
                nodes.get(owner).kill();
                probe.awaitSuccessAfterKill(Duration.ofSeconds(60));
                probe.stop();
                thread.join();
                double ms = (probe.firstSuccessAfterKill() - killed) / 1e6;
                millis.add(ms);
                failed += probe.failedAfterKill();
                boolean sawLast = probe.valueAfterKill() == acknowledged;
                stale += sawLast ? 0 : 1;
                rounds.append(String.format(Locale.ROOT, "| %d | %s (owner of `%s…`) | %,.0f ms | %d%s | count=%d, last acknowledged %d |%n",
                        rep + 1, NAMES.get(owner), id.substring(0, 2), ms, probe.failedAfterKill(), probe.failureKinds(),
                        probe.valueAfterKill(), acknowledged));
                RunContext.log(String.format(Locale.ROOT, "failover round %d: %s killed, first success after %,.0f ms, "
                        + "%d failed, count %d (acknowledged %d)", rep + 1, NAMES.get(owner), ms,
                        probe.failedAfterKill(), probe.valueAfterKill(), acknowledged));
                nodes.get(owner).start(true);
                if (rep + 1 < ctx.repetitions()) {
                    // The web tier and the peers treat a node that failed as down for recover-time (15 s by
                    // default) without trying it: each round measures one failure of a healthy cluster.
                    Thread.sleep(RECOVER_MILLIS);
                }
            }
        } finally {
            all.forEach(ServerProcess::close);
        }
        ctx.report().verdict(new Verdict("failover: SIGKILL of a session's owner (cluster store, DispatchFilter)",
                String.format(Locale.ROOT, "first successful response %s ms after the kill; %d idempotent requests "
                        + "failed; %d of %d rounds served an older value than acknowledged", millis.show("%,.0f"),
                        failed, stale, millis.size()),
                "–", "–", "idempotent requests failed = 0", failed == 0 && stale == 0));
        ctx.report().section("Failover", String.format(Locale.ROOT, """
                Three app nodes (cluster store, synchronous backup) and a web tier running the DispatchFilter with \
                its defaults, each a JVM of its own on 127.0.0.1. Per round: a session created through the web \
                tier (its owner is the node that created it) and written 5 times; one client thread sends GET \
                `/read` for it back to back (each waits at most 30 s); the owner's JVM gets SIGKILL; measured is \
                the time from the kill to the first 200 response, and every GET that failed (non-200 or I/O \
                error) in between. The killed node is restarted before the next round, and the next round waits 16 s \
                (the default recover-time of the web tier and the cluster transport is 15 s: until then, both \
                treat a node that failed as down without trying it), so each round is one failure of a healthy \
                cluster.

                | round | killed | first success after the kill | GETs failed | value served |
                |---|---|---|---|---|
                %s""", rounds));
    }

    /** A session whose owner and backup both run (after a restart the web tier may route to any node). */
    private static String sessionWithLiveBackup(Client client, String base, List<ServerProcess> nodes)
            throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            String id = client.newSession(base + "/create");
            int owner = NAMES.indexOf("app-" + id.charAt(0));
            int backup = NAMES.indexOf("app-" + id.charAt(1));
            if (owner >= 0 && backup >= 0 && owner != backup && nodes.get(owner).alive()
                    && nodes.get(backup).alive()) {
                return id;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no session with a live owner and backup after 60 s (last " + id + ")");
            }
        }
    }

    static int count(String body) {
        return Integer.parseInt(body.trim().substring("count=".length()));
    }

    /** Back-to-back GETs of one session, recording what happened after the kill. */
    private static final class Probe implements Runnable {
        private final Client client;
        private final String url;
        private final String id;
        private volatile boolean stop;
        private volatile long killedAt = Long.MAX_VALUE;
        private volatile long firstSuccessAfterKill;
        private volatile int valueAfterKill = -1;
        private volatile int failedAfterKill;
        private volatile boolean succeededBefore;
        private final java.util.Map<String, Integer> failures = new java.util.concurrent.ConcurrentSkipListMap<>();

        Probe(Client client, String url, String id) {
            this.client = client;
            this.url = url;
            this.id = id;
        }

        @Override
        public void run() {
            while (!stop) {
                long sent = System.nanoTime();
                boolean ok;
                int value = -1;
                String kind;
                try {
                    HttpResponse<String> response = client.get(url, id, Duration.ofSeconds(30));
                    ok = response.statusCode() == 200;
                    kind = "HTTP " + response.statusCode();
                    if (ok) {
                        value = count(response.body());
                    }
                } catch (Exception e) {
                    ok = false;
                    kind = e.getClass().getSimpleName();
                }
                if (sent >= killedAt || (!ok && killedAt != Long.MAX_VALUE)) {
                    if (ok && firstSuccessAfterKill == 0 && sent >= killedAt) {
                        valueAfterKill = value;
                        firstSuccessAfterKill = System.nanoTime();
                    } else if (!ok) {
                        failedAfterKill++;
                        failures.merge(kind, 1, Integer::sum);
                    }
                } else if (ok) {
                    succeededBefore = true;
                }
            }
        }

        void awaitFirstSuccess() throws InterruptedException {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!succeededBefore && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        void killedAt(long nanos) {
            killedAt = nanos;
        }

        void awaitSuccessAfterKill(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (firstSuccessAfterKill == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (firstSuccessAfterKill == 0) {
                stop();
                throw new IllegalStateException("no successful response within " + timeout + " of the kill");
            }
        }

        void stop() {
            stop = true;
        }

        long firstSuccessAfterKill() {
            return firstSuccessAfterKill;
        }

        int valueAfterKill() {
            return valueAfterKill;
        }

        int failedAfterKill() {
            return failedAfterKill;
        }

        String failureKinds() {
            return failures.isEmpty() ? "" : " " + failures;
        }
    }
}
