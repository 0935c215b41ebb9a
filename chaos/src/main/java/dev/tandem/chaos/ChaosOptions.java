package dev.tandem.chaos;

import dev.tandem.examples.demo.StoreChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one chaos run does: how long, how many SIGKILLs, how many app nodes and client sessions,
 * the store's backup mode, and where the nodes keep their files and logs.
 */
record ChaosOptions(Duration duration, int kills, int nodes, int sessions, int threads, Duration thinkTime,
        String backupMode, Balancer balancer, StoreChoice store, long seed, Path workDir) {

    /** How the web tier spreads requests: the dispatch filter's sticky routing, or none of it. */
    enum Balancer {
        STICKY, ROUND_ROBIN;

        static Balancer parse(String value) {
            return switch (value) {
                case "sticky" -> STICKY;
                case "round-robin" -> ROUND_ROBIN;
                default -> throw new IllegalArgumentException("--balancer must be sticky or round-robin, not '" + value
                        + "'");
            };
        }

        @Override
        public String toString() {
            return this == STICKY ? "sticky" : "round-robin";
        }
    }

    static final String USAGE = """
            usage: ./chaos/run.sh [--minutes 2] [--kills 10] [--nodes 3] [--sessions 200] [--threads 24]
                                  [--think-ms 400] [--backup-mode sync|async] [--store cluster|file|memory]
                                  [--balancer sticky|round-robin] [--seed N] [--work-dir chaos/target/run]
            Starts a web tier (the dispatch filter) and --nodes app-node JVMs on the cluster store on 127.0.0.1,
            drives --sessions client sessions that keep a ledger of every acknowledged write, SIGKILLs one node at
            a time (--kills over the run, some of them graceful restarts on top), then checks every session and
            prints one table. Exits 2 when an acknowledged write was lost, an invalidated session came back or a
            session was served older than already seen (with --backup-mode async these are reported, not failed).
            --balancer round-robin: the web tier ignores the session id and sends each request to the next node,
            as DNS round robin or an L4 balancer would, so most requests land on a node that does not own the session.
            --store file --nodes 1: one node on the file store, killed and restarted (its sessions come back from
            disk). --store memory: the negative control; its kills lose sessions, which the run must report.""";

    ChaosOptions {
        if (nodes < 1 || nodes > 26 || store == StoreChoice.CLUSTER && nodes < 2) {
            throw new IllegalArgumentException("--nodes must be 1..26 (2 or more for the cluster store: an owner and"
                    + " a backup), not " + nodes);
        }
        if (store == StoreChoice.FILE && nodes != 1 || store == StoreChoice.JDBC) {
            throw new IllegalArgumentException("--store file runs one node (--nodes 1): each node's files are its"
                    + " own; --store jdbc is not supported by the runner yet");
        }
        if (sessions < 1 || threads < 1 || kills < 0) {
            throw new IllegalArgumentException("--sessions and --threads must be positive and --kills not negative");
        }
        if (!backupMode.equals("sync") && !backupMode.equals("async")) {
            throw new IllegalArgumentException("--backup-mode must be sync or async, not '" + backupMode + "'");
        }
    }

    /** The first kill waits this long, so every session exists on an owner and a backup before it. */
    Duration warmUp() {
        return Duration.ofSeconds(Math.min(10, Math.max(3, duration.toSeconds() / 20)));
    }

    /** Time between the starts of two kills, after the warm-up and before a quiet tail of the same length. */
    Duration killInterval() {
        return kills == 0 ? duration : duration.minus(warmUp().multipliedBy(2)).dividedBy(kills);
    }

    static ChaosOptions parse(String... args) {
        double minutes = 2;
        int kills = 10;
        int nodes = 3;
        int sessions = 200;
        int threads = 24;
        long thinkMs = 400;
        String backupMode = "sync";
        Balancer balancer = Balancer.STICKY;
        StoreChoice store = StoreChoice.CLUSTER;
        long seed = System.nanoTime();
        Path workDir = Path.of("chaos", "target", "run");
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(arg + " needs a value; try --help");
            }
            String value = rest.remove(0);
            switch (arg) {
                case "--minutes" -> minutes = Double.parseDouble(value);
                case "--kills" -> kills = Integer.parseInt(value);
                case "--nodes" -> nodes = Integer.parseInt(value);
                case "--sessions" -> sessions = Integer.parseInt(value);
                case "--threads" -> threads = Integer.parseInt(value);
                case "--think-ms" -> thinkMs = Long.parseLong(value);
                case "--backup-mode" -> backupMode = value;
                case "--balancer" -> balancer = Balancer.parse(value);
                case "--store" -> store = StoreChoice.parse(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--work-dir" -> workDir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'; try --help");
            }
        }
        Duration duration = Duration.ofMillis(Math.round(minutes * 60_000));
        return new ChaosOptions(duration, kills, nodes, sessions, threads, Duration.ofMillis(thinkMs), backupMode,
                balancer, store, seed, workDir);
    }

    String commandLine() {
        return "./chaos/run.sh --minutes " + duration.toSeconds() / 60.0 + " --kills " + kills + " --nodes " + nodes
                + " --sessions " + sessions + " --threads " + threads + " --think-ms " + thinkTime.toMillis()
                + " --backup-mode " + backupMode + " --balancer " + balancer + " --store " + store + " --seed " + seed;
    }
}
