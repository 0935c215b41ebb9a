package dev.tandem.store.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened in one run, in order: faults, client operations and their outcomes, each stamped
 * with simulated time. Printed when a check fails; two runs of one seed must produce the same lines.
 * Counts the faults injected by kind for the summary.
 */
final class SimTrace {
    private final SimScheduler scheduler;
    private final List<String> lines = new ArrayList<>();
    private final Map<String, Long> faults = new TreeMap<>();

    SimTrace(SimScheduler scheduler) {
        this.scheduler = scheduler;
    }

    void line(String what) {
        lines.add(String.format("%9.3fs %s", (scheduler.now() - SimScheduler.EPOCH) / 1000.0, what));
    }

    /** Counts a fault of {@code kind}; traced only when {@code detail} is not null (message faults are many). */
    void fault(String kind, String detail) {
        faults.merge(kind, 1L, Long::sum);
        if (detail != null) {
            line("FAULT " + kind + " " + detail);
        }
    }

    List<String> lines() {
        return lines;
    }

    Map<String, Long> faults() {
        return faults;
    }
}
