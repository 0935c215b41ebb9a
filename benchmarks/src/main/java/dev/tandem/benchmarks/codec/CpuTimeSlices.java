package dev.tandem.benchmarks.codec;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * A cross-check of the JMH figures that a loaded machine disturbs less: the three codecs run in
 * this thread in short alternating slices, and each slice is timed by the thread's own CPU time
 * (time the thread waited for a core is not counted). Gives CPU nanoseconds per round trip.
 */
final class CpuTimeSlices {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTimeSlices() {}

    /** Per codec (in {@code methods} order), CPU ns per round trip over {@code slices} slices of {@code sliceNanos} wall time. */
    static double[] measure(CodecBenchmark b, List<String> methods, int slices, long sliceNanos) throws Exception {
        long[] cpu = new long[methods.size()];
        long[] ops = new long[methods.size()];
        for (int warm = 0; warm < 2; warm++) {
            for (int m = 0; m < methods.size(); m++) {
                slice(b, methods.get(m), sliceNanos);
            }
        }
        for (int s = 0; s < slices; s++) {
            for (int i = 0; i < methods.size(); i++) {
                int m = (i + s) % methods.size();
                long before = THREADS.getCurrentThreadCpuTime();
                ops[m] += slice(b, methods.get(m), sliceNanos);
                cpu[m] += THREADS.getCurrentThreadCpuTime() - before;
            }
        }
        double[] perOp = new double[methods.size()];
        for (int m = 0; m < methods.size(); m++) {
            perOp[m] = (double) cpu[m] / ops[m];
        }
        return perOp;
    }

    private static long slice(CodecBenchmark b, String method, long sliceNanos) throws Exception {
        long end = System.nanoTime() + sliceNanos;
        long n = 0;
        int sink = 0;
        while (System.nanoTime() < end) {
            sink += switch (method) {
                case "tandemKryoCodec" -> b.tandemKryoCodec();
                case "rawKryo" -> b.rawKryo();
                default -> b.javaSerialization();
            };
            n++;
        }
        if (sink == 42) {
            System.out.print("");
        }
        return n;
    }
}
