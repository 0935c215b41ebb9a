package dev.tandem.benchmarks.codec;

import dev.tandem.benchmarks.harness.Profiler;
import dev.tandem.benchmarks.harness.Report.Verdict;
import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.benchmarks.harness.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link CodecBenchmark}: each method in a JMH fork of its own, the three methods interleaved
 * and repeated (one fork each per round), and reports the round trip times against raw Kryo and
 * Java serialization.
 */
public final class CodecRow {
    private static final List<String> METHODS = List.of("tandemKryoCodec", "rawKryo", "javaSerialization");

    private CodecRow() {}

    public static void run(RunContext ctx) throws Exception {
        Map<String, Sample> nanos = new LinkedHashMap<>();
        METHODS.forEach(m -> nanos.put(m, new Sample()));
        for (int rep = 0; rep < ctx.repetitions(); rep++) {
            for (int i = 0; i < METHODS.size(); i++) {
                String method = METHODS.get((i + rep) % METHODS.size());
                double score = once(ctx, method);
                RunContext.log(String.format(Locale.ROOT, "codec %s round %d: %,.0f ns", method, rep + 1, score));
                nanos.get(method).add(score);
            }
        }
        Sample tandem = nanos.get("tandemKryoCodec");
        Sample raw = nanos.get("rawKryo");
        Sample java = nanos.get("javaSerialization");
        double vsRaw = tandem.median() / raw.median();
        double javaOverTandem = java.median() / tandem.median();
        int[] sizes = sizes();
        CodecBenchmark slices = new CodecBenchmark();
        slices.setUp();
        double[] cpuNanos = CpuTimeSlices.measure(slices, METHODS, ctx.pick(30, 2), ctx.pick(100_000_000, 20_000_000));
        if ((vsRaw > 1.2 || javaOverTandem < 5) && ctx.mayProfile("in-process")) {
            CodecBenchmark benchmark = new CodecBenchmark();
            benchmark.setUp();
            ctx.report().profile("Codec round trip: Tandem's KryoCodec", Profiler.profileHere(
                    ctx.work().resolve("codec/tandem-kryo-codec.jfr"), () -> {
                        long until = System.nanoTime() + (ctx.smoke() ? 300_000_000L : 5_000_000_000L);
                        while (System.nanoTime() < until) {
                            benchmark.tandemKryoCodec();
                        }
                    }));
        }
        ctx.report().verdict(new Verdict("codec round trip of a typical session (JMH)",
                String.format(Locale.ROOT, "%,.0f ns", tandem.median()),
                String.format(Locale.ROOT, "raw Kryo %,.0f ns", raw.median()),
                String.format(Locale.ROOT, "%.2f× raw Kryo's time", vsRaw), "≤ 1.2× raw Kryo", vsRaw <= 1.2));
        ctx.report().verdict(new Verdict("codec round trip of a typical session (JMH)",
                String.format(Locale.ROOT, "%,.0f ns", tandem.median()),
                String.format(Locale.ROOT, "Java serialization %,.0f ns", java.median()),
                String.format(Locale.ROOT, "%.1f× faster", javaOverTandem), "≥ 5× faster than Java serialization",
                javaOverTandem >= 5));
        ctx.report().section("Codec round trip (JMH)", String.format(Locale.ROOT, """
                A typical session: a user object of the web-app's own class (two strings, a list of two roles, a \
                long, a boolean), a locale string, a cart of 8 strings, an Integer counter and 1,800 random bytes. \
                One round trip serializes and deserializes every attribute. Tandem's `KryoCodec` and raw Kryo 5 \
                (`writeClassAndObject`/`readClassAndObject`, registration off, references on, one reused buffer) \
                work per attribute, as core does; Java serialization writes the whole attribute map in one \
                stream, as Jetty's and Tomcat's stores do. JMH 1.37, average time, one fork per method per round \
                (%s), %d rounds interleaved across the three methods.

                | codec | JMH ns per round trip, median (min–max) | bytes | vs raw Kryo | CPU ns per round trip, slices | vs raw Kryo |
                |---|---|---|---|---|---|
                | Tandem `KryoCodec` | %s | %,d | %s | %,.0f | %s |
                | raw Kryo 5.6 | %s | %,d | 1.00× | %,.0f | 1.00× |
                | Java serialization | %s | %,d | %s | %,.0f | %s |

                The CPU columns are a cross-check that a loaded machine disturbs less: the three codecs in one \
                thread of the run's own JVM, in %d alternating slices of %d ms each, each slice timed by the \
                thread's CPU time (waiting for a core not counted).
                """, ctx.smoke() ? "smoke: no warm-up, one 100 ms iteration" : "2 warm-up iterations of 1 s, 3 measured of 1 s",
                ctx.repetitions(), tandem.show("%,.0f"), sizes[0], Sample.ratio(vsRaw), cpuNanos[0],
                Sample.ratio(cpuNanos[0] / cpuNanos[1]), raw.show("%,.0f"), sizes[1], cpuNanos[1],
                java.show("%,.0f"), sizes[2], Sample.ratio(java.median() / raw.median()), cpuNanos[2],
                Sample.ratio(cpuNanos[2] / cpuNanos[1]), ctx.pick(30, 2), ctx.pick(100, 20)));
    }

    private static double once(RunContext ctx, String method) throws Exception {
        OptionsBuilder builder = new OptionsBuilder();
        builder.include(CodecBenchmark.class.getName() + "." + method + "$").forks(1)
                .jvmArgs("-Xmx512m", "-XX:+UseParallelGC").shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
        if (ctx.smoke()) {
            builder.warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
        } else {
            builder.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                    .measurementTime(TimeValue.seconds(1));
        }
        Options options = builder.build();
        RunResult result = new Runner(options).runSingle();
        return result.getPrimaryResult().getScore();
    }

    private static int[] sizes() throws Exception {
        CodecBenchmark b = new CodecBenchmark();
        b.setUp();
        return new int[] {b.tandemKryoCodec(), b.rawKryo(), b.javaSerialization()};
    }
}
