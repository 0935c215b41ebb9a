package dev.tandem.chaos;

import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What a chaos run counted, shared by every client thread and the killer. */
final class Tally {
    private static final int DETAILS_KEPT = 30;

    final LongAdder requests = new LongAdder();
    final LongAdder successes = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final LongAdder lostWrites = new LongAdder();
    final LongAdder lostSessions = new LongAdder();
    final LongAdder resurrected = new LongAdder();
    private final Map<Integer, Boolean> staleSessions = new ConcurrentHashMap<>();
    final LongAdder staleResponses = new LongAdder();
    final LongAdder failovers = new LongAdder();
    final LongAdder writesAcknowledged = new LongAdder();
    final LongAdder logouts = new LongAdder();
    final AtomicInteger kills = new AtomicInteger();
    final AtomicInteger gracefulRestarts = new AtomicInteger();
    final AtomicInteger failedRestarts = new AtomicInteger();
    private final AtomicLong longestSessionGapNanos = new AtomicLong();
    private final AtomicLong longestGlobalGapNanos = new AtomicLong();
    private final AtomicLong lastSuccessNanos = new AtomicLong();
    private final Queue<String> details = new ConcurrentLinkedQueue<>();
    private final AtomicInteger detailCount = new AtomicInteger();

    void error(String kind) {
        errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    Map<String, Long> errors() {
        Map<String, Long> sorted = new TreeMap<>();
        errors.forEach((kind, count) -> sorted.put(kind, count.sum()));
        return sorted;
    }

    long errorTotal() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    void success(long nowNanos) {
        successes.increment();
        long previous = lastSuccessNanos.getAndAccumulate(nowNanos, Math::max);
        if (previous != 0) {
            longestGlobalGapNanos.accumulateAndGet(nowNanos - previous, Math::max);
        }
    }

    void sessionGap(long nanos) {
        longestSessionGapNanos.accumulateAndGet(nanos, Math::max);
    }

    long longestSessionGapMillis() {
        return longestSessionGapNanos.get() / 1_000_000;
    }

    long longestGlobalGapMillis() {
        return longestGlobalGapNanos.get() / 1_000_000;
    }

    void stale(int session) {
        staleResponses.increment();
        staleSessions.put(session, Boolean.TRUE);
    }

    int staleSessions() {
        return staleSessions.size();
    }

    /** Keeps the first few violations' descriptions for the report. */
    void detail(String text) {
        if (detailCount.incrementAndGet() <= DETAILS_KEPT) {
            details.add(java.time.LocalTime.now() + " " + text);
        }
    }

    Iterable<String> details() {
        return details;
    }

    long violations() {
        return lostWrites.sum() + resurrected.sum() + staleSessions();
    }
}
