package dev.tandem.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The cookies and tokens of sessions whose logout was acknowledged, for the final probe: all of them
 * up to {@value #KEPT}, then a uniform sample of that many (reservoir sampling), so a long run's
 * final check stays short.
 */
final class Invalidations {
    static final int KEPT = 3000;

    /** A logout acknowledged by {@code node} at {@code when} (UTC time of day). */
    record Invalidated(String cookie, String token, String node, String when) {}

    private final List<Invalidated> kept = new ArrayList<>();
    private final SplittableRandom random;
    private long seen;

    Invalidations(long seed) {
        random = new SplittableRandom(seed);
    }

    synchronized void add(Invalidated gone) {
        seen++;
        if (kept.size() < KEPT) {
            kept.add(gone);
        } else {
            long slot = random.nextLong(seen);
            if (slot < KEPT) {
                kept.set((int) slot, gone);
            }
        }
    }

    synchronized List<Invalidated> sample() {
        return List.copyOf(kept);
    }

    synchronized long total() {
        return seen;
    }
}
