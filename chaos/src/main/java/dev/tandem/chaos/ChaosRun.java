package dev.tandem.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The chaos runner ({@code ./chaos/run.sh}): starts the cluster, drives the client sessions while
 * the {@link Killer} kills and restarts nodes, then checks every session and every sampled
 * invalidated session once all nodes serve again, and prints the {@link ChaosReport}.
 */
public final class ChaosRun {
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

    private ChaosRun() {}

    public static void main(String[] args) throws Exception {
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(ChaosOptions.USAGE);
            System.exit(64);
            return;
        }
        if (options == null) {
            System.out.println(ChaosOptions.USAGE);
            return;
        }
        System.exit(run(options));
    }

    static int run(ChaosOptions options) throws Exception {
        deleteRecursively(options.workDir());
        Tally tally = new Tally();
        Instant started = Instant.now();
        System.out.println("chaos: starting " + options.nodes() + " app nodes and the web tier in "
                + options.workDir().toAbsolutePath() + " (seed " + options.seed() + ")");
        try (ChaosCluster cluster = ChaosCluster.start(options)) {
            Clients clients = new Clients(cluster.appUrl(), options, tally);
            List<Thread> workers = clients.start();
            Killer killer = new Killer(cluster, options, tally);
            Thread killing = new Thread(killer, "chaos-killer");
            killing.start();
            long end = System.nanoTime() + options.duration().toNanos();
            for (long left; (left = end - System.nanoTime()) > 0 || killing.isAlive(); ) {
                if (left <= 0) {
                    // The kills drifted past the end (a slow machine): let the killer finish, then settle.
                    killing.join();
                    end = System.nanoTime() + Killer.SETTLE.toNanos();
                    continue;
                }
                Thread.sleep(Math.min(left, PROGRESS_EVERY.toNanos()) / 1_000_000 + 1);
                System.out.printf("chaos: %d requests, %d errors, %d kills, %d violations so far%n",
                        tally.requests.sum(), tally.errorTotal(), tally.kills.get(), tally.violations());
            }
            killer.stop();
            killing.join();
            clients.stop(workers);
            Duration driven = Duration.between(started, Instant.now());
            for (String name : cluster.nodeNames()) {
                if (!cluster.node(name).alive()) {
                    cluster.node(name).start(ChaosCluster.START_TIMEOUT);
                }
            }
            System.out.println("chaos: checking every session against its ledger");
            int checked = clients.checkAll(20);
            int probed = 0;
            for (Invalidations.Invalidated gone : clients.invalidations().sample()) {
                if (clients.probe(gone, 5, "at the end")) {
                    probed++;
                }
            }
            clients.close();
            ChaosReport report = new ChaosReport(options, tally, driven, checked, probed,
                    clients.invalidations().total());
            String table = report.table();
            System.out.println();
            System.out.println(table);
            Files.writeString(options.workDir().resolve("table.md"), table);
            Files.writeString(options.workDir().resolve("events.log"), killer.log());
            return report.exitCode();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
