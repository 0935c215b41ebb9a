package dev.tandem.store.cluster;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The simulator's event loop: a priority queue of actions in simulated time, ordered by time and
 * then by the order they were scheduled in, so that a run depends on its seed alone.
 */
final class SimScheduler {
    /** Simulated time starts at a fixed wall-clock instant, so sessions carry plausible times. */
    static final long EPOCH = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private record Event(long time, long seq, Runnable action) {}

    private final PriorityQueue<Event> queue =
            new PriorityQueue<>(Comparator.comparingLong(Event::time).thenComparingLong(Event::seq));
    private final long eventLimit;
    private long now = EPOCH;
    private long seq;
    private long executed;

    SimScheduler(long eventLimit) {
        this.eventLimit = eventLimit;
    }

    long now() {
        return now;
    }

    long executed() {
        return executed;
    }

    void at(long time, Runnable action) {
        queue.add(new Event(Math.max(time, now), seq++, action));
    }

    void after(long delayMillis, Runnable action) {
        at(now + delayMillis, action);
    }

    /** Runs every event up to {@code end}, then sets the time to {@code end}. */
    void runUntil(long end) {
        while (!queue.isEmpty() && queue.peek().time() <= end) {
            Event e = queue.poll();
            now = e.time();
            if (++executed > eventLimit) {
                throw new IllegalStateException("more than " + eventLimit + " events: the protocol or the simulator loops");
            }
            e.action().run();
        }
        now = Math.max(now, end);
    }
}
