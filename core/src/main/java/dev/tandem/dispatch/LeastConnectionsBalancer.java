package dev.tandem.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server with the fewest active requests per unit of weight; ties go round the list, so idle
 * servers share the load evenly.
 */
final class LeastConnectionsBalancer implements Balancer {
    private final AtomicInteger tieBreak = new AtomicInteger();

    @Override
    public Backend acquire(List<Backend> candidates, long now) {
        List<Backend> left = new ArrayList<>(candidates);
        while (!left.isEmpty()) {
            Backend best = least(left);
            if (best.tryAcquire(now, false)) {
                return best;
            }
            left.remove(best);
        }
        return null;
    }

    private Backend least(List<Backend> candidates) {
        int n = candidates.size();
        int start = Math.floorMod(tieBreak.getAndIncrement(), n);
        Backend best = null;
        for (int i = 0; i < n; i++) {
            Backend b = candidates.get((start + i) % n);
            // active/weight < best.active/best.weight, without division
            if (best == null || (long) b.active() * best.member.weight() < (long) best.active() * b.member.weight()) {
                best = b;
            }
        }
        return best;
    }
}
