package dev.tandem.benchmarks.http;

import dev.tandem.benchmarks.harness.Proc;
import dev.tandem.benchmarks.harness.Report.Verdict;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.benchmarks.harness.Sample;
import dev.tandem.benchmarks.harness.ServerProcess;
import dev.tandem.benchmarks.harness.TcpTraffic;
import java.util.List;
import java.util.Locale;

/**
 * A session of 200 attributes (100 KB): the bytes one save costs when one attribute changed, against
 * the same session saved whole (every attribute changed). Bytes are what the server JVMs passed to
 * write calls (files and sockets: /proc/PID/io {@code wchar}) over sequential requests, so they
 * count the disk record, the frame to the backup and the small HTTP response alike.
 */
final class LargeSession {
    private LargeSession() {}

    static void run(RunContext ctx, Client client, List<AppSetup> setups) throws Exception {
        int requests = ctx.pick(100, 5);
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "A session of %d attributes of %d random "
                + "bytes each (100 KB); `/large-one` replaces one attribute, `/large-all` replaces all of them (the "
                + "session saved whole). %d sequential requests of each kind per round, %d rounds alternating the "
                + "two; bytes per request are the server JVMs' `wchar` (bytes passed to write calls: files and "
                + "sockets; `rchar` for reads) from /proc. On the cluster, app-a owns the session: its bytes written are its disk copy "
                + "plus the frame sent to the backup; app-b's are the backup's disk copy (its reads include its "
                + "disk copy's reads, so they do not measure the network: the traffic line below does).%n%n",
                BenchServlet.LARGE_ATTRIBUTES, BenchServlet.LARGE_ATTRIBUTE_BYTES, requests, ctx.repetitions()));
        md.append("| store | process | bytes written per save, one attribute changed | saved whole | whole ÷ one "
                + "| bytes read per save, one attribute changed | saved whole | whole ÷ one |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (AppSetup setup : setups) {
            String id = client.newSession(setup.url("/large-create"));
            List<ServerProcess> servers = setup.servers();
            int n = servers.size();
            Sample[] one = samples(2 * n);
            Sample[] whole = samples(2 * n);
            for (int rep = 0; rep < ctx.repetitions(); rep++) {
                long[] perOne = bytesPerRequest(client, setup, id, "/large-one", requests);
                long[] perWhole = bytesPerRequest(client, setup, id, "/large-all", requests);
                for (int k = 0; k < 2 * n; k++) {
                    one[k].add(perOne[k]);
                    whole[k].add(perWhole[k]);
                }
            }
            for (int s = 0; s < n; s++) {
                md.append("| ").append(setup.label()).append(" | ").append(servers.get(s).name());
                for (int k : new int[] {s, n + s}) {
                    md.append(" | ").append(one[k].show("%,.0f")).append(" | ").append(whole[k].show("%,.0f"))
                            .append(" | ").append(Sample.ratio(whole[k].median() / one[k].median()));
                }
                md.append(" |\n");
            }
            verdict(ctx, setup.label() + ", bytes written by " + servers.get(0).name()
                    + (n > 1 ? " (its disk copy + the frame to the backup)" : ""), one[0], whole[0]);
            if (!setup.clusterPorts().isEmpty()) {
                Sample oneSent = new Sample();
                Sample wholeSent = new Sample();
                for (int rep = 0; rep < ctx.repetitions(); rep++) {
                    oneSent.add(sentPerRequest(client, setup, id, "/large-one", requests));
                    wholeSent.add(sentPerRequest(client, setup, id, "/large-all", requests));
                }
                md.append(String.format(Locale.ROOT, "%nCluster traffic (both directions, on the connections to or from "
                        + "the two cluster ports; the kernel's `bytes_sent` per socket from `ss -ti`): %s bytes per save "
                        + "with one attribute changed, %s saved whole (%s).%n", oneSent.show("%,.0f"),
                        wholeSent.show("%,.0f"), Sample.ratio(wholeSent.median() / oneSent.median())));
                verdict(ctx, setup.label() + ", bytes sent between the nodes", oneSent, wholeSent);
            }
        }
        ctx.report().section("Large session, one attribute changed", md.toString());
    }

    private static Sample[] samples(int n) {
        Sample[] samples = new Sample[n];
        for (int i = 0; i < n; i++) {
            samples[i] = new Sample();
        }
        return samples;
    }

    private static void verdict(RunContext ctx, String what, Sample one, Sample whole) {
        double ratio = whole.median() / one.median();
        ctx.report().verdict(new Verdict("large session (200 attributes, 100 KB), one attribute changed: " + what,
                String.format(Locale.ROOT, "%,.0f bytes per save", one.median()),
                String.format(Locale.ROOT, "saved whole: %,.0f bytes", whole.median()),
                String.format(Locale.ROOT, "%.1f× smaller", ratio), "≥ 20× smaller", ratio >= 20));
    }

    /** Bytes sent on the cluster connections per request, over {@code n} sequential requests. */
    private static long sentPerRequest(Client client, AppSetup setup, String id, String path, int n) throws Exception {
        java.util.Set<Integer> ports = java.util.Set.copyOf(setup.clusterPorts());
        long before = TcpTraffic.bytesSent(ports);
        for (int i = 0; i < n; i++) {
            client.ok(setup.url(path), id);
        }
        return (TcpTraffic.bytesSent(ports) - before) / n;
    }

    /** Bytes each server wrote (first n) and read (next n) per request over {@code n} sequential requests to {@code path}. */
    private static long[] bytesPerRequest(Client client, AppSetup setup, String id, String path, int n)
            throws Exception {
        List<ServerProcess> servers = setup.servers();
        int m = servers.size();
        long[] before = new long[2 * m];
        for (int s = 0; s < m; s++) {
            before[s] = Proc.bytesWritten(servers.get(s).pid());
            before[m + s] = Proc.bytesRead(servers.get(s).pid());
        }
        for (int i = 0; i < n; i++) {
            client.ok(setup.url(path), id);
        }
        long[] per = new long[2 * m];
        for (int s = 0; s < m; s++) {
            per[s] = (Proc.bytesWritten(servers.get(s).pid()) - before[s]) / n;
            per[m + s] = (Proc.bytesRead(servers.get(s).pid()) - before[m + s]) / n;
        }
        return per;
    }
}
