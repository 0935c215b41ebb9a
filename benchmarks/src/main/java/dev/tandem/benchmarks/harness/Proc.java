package dev.tandem.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What Linux's /proc tells of a process: CPU time used and bytes written, for per-request figures. */
public final class Proc {
    private static final long TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux we run on

    private Proc() {}

    /** User plus system CPU time of the process so far, in microseconds. */
    public static long cpuMicros(long pid) {
        String stat = read(Path.of("/proc", String.valueOf(pid), "stat"));
        // Fields after the command name (which may hold spaces) start with the state, field 3.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(fields[14 - 3]);
        long stime = Long.parseLong(fields[15 - 3]);
        return (utime + stime) * 1_000_000 / TICKS_PER_SECOND;
    }

    /**
     * CPU time so far of the JVM's JIT compiler threads ({@code C1 CompilerThre}, {@code C2
     * CompilerThre}), in microseconds; 0 for a process that is not a HotSpot JVM.
     */
    public static long compilerCpuMicros(long pid) {
        long sum = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                    sum += Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the threads of process " + pid + " (is it still running?)", e);
        }
        return sum * 1_000_000 / TICKS_PER_SECOND;
    }

    public static long compilerCpuMicros(Iterable<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += compilerCpuMicros(pid);
        }
        return sum;
    }

    /** Bytes the process passed to write calls so far (files and sockets alike: {@code wchar}). */
    public static long bytesWritten(long pid) {
        return ioField(pid, "wchar:");
    }

    /** Bytes the process got from read calls so far (files and sockets alike: {@code rchar}). */
    public static long bytesRead(long pid) {
        return ioField(pid, "rchar:");
    }

    private static long ioField(long pid, String name) {
        for (String line : read(Path.of("/proc", String.valueOf(pid), "io")).split("\n")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim());
            }
        }
        throw new IllegalStateException("/proc/" + pid + "/io has no " + name);
    }

    public static long cpuMicros(Iterable<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += cpuMicros(pid);
        }
        return sum;
    }

    public static String loadAverage() {
        String[] parts = read(Path.of("/proc/loadavg")).split(" ");
        return parts[0] + "/" + parts[1] + "/" + parts[2];
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " (is the process still running?)", e);
        }
    }
}
