package dev.tandem.benchmarks.file;

import dev.tandem.serial.ClassFilter;
import dev.tandem.serial.Serialization;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Save and load rates of Tandem's file store (fsync off and on), Jetty 12's FileSessionDataStore
 * and Tomcat 11's FileStore, measured in one run on one machine, plus Tandem's start-up time and
 * heap for indexing 100,000 sessions. One thread; rounds of fixed length, interleaved across the
 * stores and repeated, so that a slow moment of the machine hits every store alike.
 *
 * <p>Usage: {@code FileStoreBenchmark <work dir> <BENCHMARKS.md> <command shown in the report>}.
 */
public final class FileStoreBenchmark {
    private static final int SESSIONS = 1_000;
    private static final long ROUND_NANOS = 1_000_000_000L;
    private static final int WARM_UP_ROUNDS = 2;
    private static final int REPETITIONS = 5;
    private static final int STARTUP_SESSIONS = 100_000;
    private static final int STARTUP_REPETITIONS = 3;
    /** The start-up fixture outlives runs; its sessions must not expire in between. */
    private static final int FIXTURE_MAX_INACTIVE_SECONDS = 30 * 24 * 3600;
    private static final String BEGIN = "<!-- file-store:begin -->";
    private static final String END = "<!-- file-store:end -->";

    private FileStoreBenchmark() {}

    private interface Operation {
        void run(int n) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path markdown = Path.of(args[1]);
        String command = args[2];
        deleteRecursively(work);
        Files.createDirectories(work);
        String loadBefore = loadAverage();

        List<StoreUnderTest> stores = List.of(
                new TandemFileStore("Tandem file store, fsync=false", work.resolve("tandem"), false, SESSIONS),
                new TandemFileStore("Tandem file store, fsync=true", work.resolve("tandem-fsync"), true, SESSIONS),
                new JettyFileStore(work.resolve("jetty"), SESSIONS),
                new TomcatFileStore(work.resolve("tomcat"), SESSIONS),
                new ForceBaseline(work.resolve("force")));
        Map<String, Long> bytesPerSession = new LinkedHashMap<>();
        // Tandem's log: its bytes after the first save of each session, per session (one record each).
        bytesPerSession.put(stores.get(0).name(), bytesOfLog(work.resolve("tandem/bench")) / SESSIONS);
        bytesPerSession.put(stores.get(2).name(), bytesPerFile(work.resolve("jetty")));
        bytesPerSession.put(stores.get(3).name(), bytesPerFile(work.resolve("tomcat")));

        Map<String, List<Double>> saves = new LinkedHashMap<>();
        Map<String, List<Double>> loads = new LinkedHashMap<>();
        for (int repetition = -WARM_UP_ROUNDS; repetition < REPETITIONS; repetition++) {
            for (int s = 0; s < stores.size(); s++) {
                // Rotate the order each repetition so that no store always runs first or last.
                StoreUnderTest store = stores.get(Math.floorMod(s + repetition, stores.size()));
                double save = rate(n -> store.save(n % SESSIONS, n));
                double load = !store.loads() ? Double.NaN : rate(n -> store.load(n % SESSIONS));
                if (repetition >= 0) {
                    saves.computeIfAbsent(store.name(), k -> new ArrayList<>()).add(save);
                    if (!Double.isNaN(load)) {
                        loads.computeIfAbsent(store.name(), k -> new ArrayList<>()).add(load);
                    }
                }
                System.out.printf(Locale.ROOT, "%s %-32s save %,9.0f/s  load %,9.0f/s%n",
                        repetition < 0 ? "warm-up" : "round " + repetition, store.name(), save, load);
            }
        }
        for (StoreUnderTest store : stores) {
            store.close();
        }
        saves = sortedLikeStores(saves, stores);
        loads = sortedLikeStores(loads, stores);

        Startup startup = measureStartup(work.resolve("startup"));
        deleteRecursively(work);

        String section = report(command, saves, loads, bytesPerSession, startup, loadBefore, loadAverage());
        System.out.println(section);
        rewriteSection(markdown, section);
    }

    private static Map<String, List<Double>> sortedLikeStores(Map<String, List<Double>> rates, List<StoreUnderTest> stores) {
        Map<String, List<Double>> sorted = new LinkedHashMap<>();
        for (StoreUnderTest store : stores) {
            if (rates.containsKey(store.name())) {
                sorted.put(store.name(), rates.get(store.name()));
            }
        }
        return sorted;
    }

    /** Operations per second over one round of {@link #ROUND_NANOS}. */
    private static double rate(Operation operation) throws Exception {
        long start = System.nanoTime();
        long deadline = start + ROUND_NANOS;
        int n = 0;
        do {
            operation.run(n++);
        } while (System.nanoTime() < deadline);
        return n / ((System.nanoTime() - start) / 1e9);
    }

    record Startup(List<Double> millis, long heapBytes) {}

    /** Written next to the store's directory once a start-up fixture is complete. */
    private static final String FIXTURE_MARKER = "fixture.txt";

    /** Writes 100,000 sessions, then opens the store on them a few times: time to index, heap the index keeps. */
    private static Startup measureStartup(Path path) throws Exception {
        return measureStartup(path, STARTUP_SESSIONS, STARTUP_REPETITIONS);
    }

    /**
     * Measures the store's start-up on {@code sessions} sessions under {@code path}, which a run may
     * keep for the next: writing and deleting 100,000 files costs minutes on a throttled disk, and
     * only the opening is measured. The files are (re)written when they do not hold exactly that
     * many sessions, and again if the store set any aside while opening them (a format that changed).
     */
    static Startup measureStartup(Path path, int sessions, int repetitions) throws Exception {
        if (!fixtureHolds(path, sessions)) {
            writeFixture(path, sessions);
        }
        Startup startup = openRepeatedly(path, repetitions);
        if (!fixtureHolds(path, sessions)) {
            writeFixture(path, sessions);
            startup = openRepeatedly(path, repetitions);
        }
        return startup;
    }

    private static void writeFixture(Path path, int sessions) throws IOException {
        deleteRecursively(path);
        var codec = Serialization.KRYO.codec(FileStoreBenchmark.class.getClassLoader(), ClassFilter.defaultFilter());
        Map<String, byte[]> encoded = new HashMap<>();
        SessionContent.attributes(0).forEach((key, value) -> encoded.put(key, codec.encode(key, value)));
        long now = System.currentTimeMillis();
        try (SessionStore store = TandemFileStore.open(path, false)) {
            for (int i = 0; i < sessions; i++) {
                store.save(new SessionChange(SessionId.generate("aa"), now, now, FIXTURE_MAX_INACTIVE_SECONDS,
                        encoded, Set.of()));
            }
        }
        Files.writeString(path.resolve(FIXTURE_MARKER), sessions + " sessions in a log\n");
    }

    /**
     * True if {@code path} holds a fixture of {@code sessions} sessions in the current format: the
     * writer leaves {@value #FIXTURE_MARKER} naming the count once it is done, and the store set
     * nothing aside.
     */
    private static boolean fixtureHolds(Path path, int sessions) throws IOException {
        Path marker = path.resolve(FIXTURE_MARKER);
        if (!Files.isRegularFile(marker) || !Files.readString(marker).trim().equals(sessions + " sessions in a log")) {
            return false;
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.noneMatch(f -> f.getFileName().toString().endsWith(".corrupt"));
        }
    }

    private static Startup openRepeatedly(Path path, int repetitions) {
        List<Double> millis = new ArrayList<>();
        long heap = 0;
        for (int i = 0; i < repetitions; i++) {
            long[] millisAndHeap = openOnce(path);
            millis.add(millisAndHeap[0] / 1e6);
            heap = millisAndHeap[1];
        }
        return new Startup(millis, heap);
    }

    /**
     * Opens the store once: nanoseconds to index, and the heap it keeps, taken as the difference
     * between the heap with the open store and the heap once it is closed and unreachable (a
     * difference against the heap before opening would count the garbage of earlier phases).
     */
    private static long[] openOnce(Path path) {
        long[] nanosAndHeapWithStore = openAndMeasure(path);
        return new long[] {nanosAndHeapWithStore[0], nanosAndHeapWithStore[1] - usedHeapAfterGc()};
    }

    private static long[] openAndMeasure(Path path) {
        long start = System.nanoTime();
        SessionStore store = TandemFileStore.open(path, false);
        long nanos = System.nanoTime() - start;
        long heap = usedHeapAfterGc();
        if (store.version(SessionId.generate("aa")) != 0) {
            throw new IllegalStateException("an unknown id has a version");
        }
        store.close();
        return new long[] {nanos, heap};
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long bytesOfLog(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".seg")).mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    private static long bytesPerFile(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            long[] sizeAndCount = new long[2];
            files.filter(f -> !f.getFileName().toString().startsWith(".")).forEach(f -> {
                try {
                    sizeAndCount[0] += Files.size(f);
                    sizeAndCount[1]++;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return sizeAndCount[1] == 0 ? 0 : sizeAndCount[0] / sizeAndCount[1];
        }
    }

    private static String report(String command, Map<String, List<Double>> saves, Map<String, List<Double>> loads,
                                 Map<String, Long> bytesPerSession, Startup startup, String loadBefore,
                                 String loadAfter) {
        String jetty = "Jetty FileSessionDataStore";
        String tomcat = "Tomcat FileStore";
        String tandem = "Tandem file store, fsync=false";
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append('\n');
        md.append("## File store (`persistent-store=file`)\n\n");
        md.append("Measured ").append(LocalDate.now()).append(" on ").append(machine())
                .append("; load average (1/5/15 min) ").append(loadBefore).append(" at the start, ").append(loadAfter)
                .append(" at the end (other work on the machine slows every store; compare ratios within one run).\n");
        md.append("Command: `").append(command).append("` (rewrites this section).\n\n");
        md.append("One thread, ").append(String.format(Locale.ROOT, "%,d", SESSIONS))
                .append(" sessions of about 2 KiB (five attributes: two strings, a list of 8 strings, an integer, ")
                .append("1,800 random bytes), each store driven through its own API. A save changes one attribute ")
                .append("(as a request that calls `setAttribute` once) and persists the session, round-robin over ")
                .append("the sessions; a load reads one session and deserializes every attribute. Tandem's saves and ")
                .append("loads include core's Kryo encoding of the changed attribute and decoding of all of them; ")
                .append("Jetty and Tomcat serialize the whole session with Java serialization on every save. ")
                .append("Rounds of 1 s, ").append(WARM_UP_ROUNDS).append(" warm-up rounds, then ").append(REPETITIONS)
                .append(" repetitions interleaved across the stores; median (min–max).\n\n");
        md.append("| operation | store | per second, median (min–max) | µs per op | vs Jetty | vs Tomcat |\n");
        md.append("|---|---|---|---|---|---|\n");
        rows(md, "save", saves, jetty, tomcat);
        String baseline = "baseline: new 2 KiB file + one force()";
        md.append(String.format(Locale.ROOT, "| save | %s | %,.0f (%,.0f–%,.0f) | %.1f | | |%n", baseline,
                median(saves.get(baseline)), min(saves.get(baseline)), max(saves.get(baseline)),
                1e6 / median(saves.get(baseline))));
        rows(md, "load", loads, jetty, tomcat);
        md.append('\n');
        md.append("Bytes per session on disk after its first save (Tandem: its record in the log; the others: ")
                .append("its file): ");
        List<String> sizes = new ArrayList<>();
        bytesPerSession.forEach((store, bytes) -> sizes.add(store.replace(", fsync=false", "") + " " + bytes));
        md.append(String.join(", ", sizes)).append(".\n\n");
        md.append("Start-up of Tandem's file store over ").append(String.format(Locale.ROOT, "%,d", STARTUP_SESSIONS))
                .append(" stored sessions (the log's hint files, else its segments; page cache warm): ")
                .append(String.format(Locale.ROOT, "%,.0f ms", median(startup.millis())))
                .append(String.format(Locale.ROOT, " (%,.0f–%,.0f ms, %d runs)", min(startup.millis()),
                        max(startup.millis()), startup.millis().size()))
                .append(String.format(Locale.ROOT, "; heap kept by the index %.1f MiB (%d bytes per session).%n%n",
                        startup.heapBytes() / 1048576.0, startup.heapBytes() / STARTUP_SESSIONS));
        double saveVsJetty = median(saves.get(tandem)) / median(saves.get(jetty));
        double loadVsTomcat = median(loads.get(tandem)) / median(loads.get(tomcat));
        double fsyncVsBaseline = median(saves.get(baseline)) / median(saves.get("Tandem file store, fsync=true"));
        md.append(String.format(Locale.ROOT, "A save with fsync=true takes %.2f× the time of the one-force() baseline "
                + "(it forces the file, then the directory).%n%n", fsyncVsBaseline));
        md.append(String.format(Locale.ROOT, "Targets (issue 3): save ≥ 3× Jetty — %.1f×, %s; load ≥ Tomcat — %.1f×, %s.%n",
                saveVsJetty, saveVsJetty >= 3 ? "met" : "**missed**", loadVsTomcat, loadVsTomcat >= 1 ? "met" : "**missed**"));
        md.append(END).append('\n');
        return md.toString();
    }

    private static void rows(StringBuilder md, String operation, Map<String, List<Double>> rates, String jetty, String tomcat) {
        double jettyMedian = median(rates.get(jetty));
        double tomcatMedian = median(rates.get(tomcat));
        for (Map.Entry<String, List<Double>> row : rates.entrySet()) {
            if (row.getKey().startsWith("baseline")) {
                continue;
            }
            List<Double> values = row.getValue();
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f (%,.0f–%,.0f) | %.1f | %.2f× | %.2f× |%n",
                    operation, row.getKey(), median(values), min(values), max(values), 1e6 / median(values),
                    median(values) / jettyMedian, median(values) / tomcatMedian));
        }
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // not Linux: the core count and JDK still say enough
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", JDK "
                + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.vendor") + ")";
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + "/" + fields[1] + "/" + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Replaces the file-store section of BENCHMARKS.md (between its markers), or appends it. */
    private static void rewriteSection(Path markdown, String section) throws IOException {
        String text = Files.exists(markdown) ? Files.readString(markdown, StandardCharsets.UTF_8)
                : "# Benchmarks\n\nMeasured figures, each section rewritten by the script it names.\n\n";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin >= 0 && end > begin) {
            text = text.substring(0, begin) + section + text.substring(end + END.length() + 1);
        } else {
            text = text + (text.endsWith("\n\n") ? "" : "\n") + section;
        }
        Files.writeString(markdown, text, StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
