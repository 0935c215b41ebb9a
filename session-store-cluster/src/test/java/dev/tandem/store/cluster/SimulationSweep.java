package dev.tandem.store.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a range of seeds (in parallel: each run is independent and single-threaded) and sums up
 * what they did: seeds, simulated time, events, faults by kind, violations by kind. A failing seed
 * has its violations and whole trace written to {@code target/simulation/seed-<seed>.txt}.
 */
final class SimulationSweep {
    final Map<String, Long> faults = new TreeMap<>();
    final Map<String, Long> excused = new TreeMap<>();
    final List<Simulation.Result> failed = new ArrayList<>();
    long seeds;
    long simulatedMillis;
    long events;
    long sessions;
    long promised;
    long wallMillis;

    /** {@code SimulationSweep <first seed> <seeds> [threads]}: a sweep from the command line. */
    public static void main(String[] args) throws Exception {
        if (args[0].contains(",")) { // a list of seeds: replay each and print what it found
            for (String seed : args[0].split(",")) {
                Simulation.Result r = Simulation.run(Long.parseLong(seed));
                System.out.println("seed " + seed + ": " + (r.failures().isEmpty() ? "ok" : r.failures().get(0)
                        + " (trace in " + write(r) + ")"));
            }
            return;
        }
        long first = Long.parseLong(args[0]);
        long count = Long.parseLong(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
        SimulationSweep sweep = run(first, count, threads);
        sweep.print(System.out);
        System.exit(sweep.failed.isEmpty() ? 0 : 1);
    }

    static SimulationSweep run(long firstSeed, long count, int threads) throws Exception {
        SimulationSweep sweep = new SimulationSweep();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long batch = 256;
            for (long from = firstSeed; from < firstSeed + count; from += batch) {
                List<Future<Simulation.Result>> results = new ArrayList<>();
                for (long seed = from; seed < Math.min(from + batch, firstSeed + count); seed++) {
                    long s = seed;
                    results.add(pool.submit(() -> Simulation.run(s)));
                }
                for (Future<Simulation.Result> r : results) {
                    sweep.add(r.get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        sweep.wallMillis = (System.nanoTime() - started) / 1_000_000;
        return sweep;
    }

    private void add(Simulation.Result r) throws IOException {
        seeds++;
        simulatedMillis += r.simulatedMillis();
        events += r.events();
        sessions += r.sessions();
        promised += r.promised();
        r.faults().forEach((kind, n) -> faults.merge(kind, n, Long::sum));
        r.violations().stream().filter(Violation::excused).forEach(v -> excused.merge(v.kind(), 1L, Long::sum));
        if (!r.failures().isEmpty()) {
            failed.add(r);
            write(r);
        }
    }

    static Path write(Simulation.Result r) throws IOException {
        Path dir = Path.of("target", "simulation");
        Files.createDirectories(dir);
        Path file = dir.resolve("seed-" + r.seed() + ".txt");
        List<String> lines = new ArrayList<>();
        r.violations().forEach(v -> lines.add(v.toString()));
        lines.add("--- trace of seed " + r.seed() + " ---");
        lines.addAll(r.trace());
        Files.write(file, lines);
        return file;
    }

    void print(PrintStream out) {
        out.printf("Cluster simulation: %d seeds, %.1f simulated hours, %d sessions (%d kept under the durability "
                + "promise to the end), %d events, %.1fs wall time%n", seeds, simulatedMillis / 3_600_000.0, sessions,
                promised, events, wallMillis / 1000.0);
        out.println("  faults injected: " + faults);
        out.println("  violations outside the fault model (two servers lost, a partition, a restart not yet noticed; "
                + "not failures): " + excused);
        out.println("  violations: " + failed.size() + " seeds failed" + (failed.isEmpty() ? "" : ": "
                + failed.stream().map(Simulation.Result::seed).toList()));
        for (Simulation.Result r : failed.subList(0, Math.min(5, failed.size()))) {
            out.println("  seed " + r.seed() + ": " + r.failures().get(0)
                    + " (trace in target/simulation/seed-" + r.seed() + ".txt)");
        }
    }
}
