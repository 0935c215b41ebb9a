package dev.tandem.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Smooth weighted round-robin (nginx): each server gains its weight every turn, the highest is
 * picked and loses the total. Weights 5:1 give {@code a a b a a a}-like interleaving, not bursts.
 */
final class WeightedBalancer implements Balancer {
    private final Map<Backend, Long> current = new HashMap<>();

    @Override
    public Backend acquire(List<Backend> candidates, long now) {
        List<Backend> left = new ArrayList<>(candidates);
        while (!left.isEmpty()) {
            Backend best = pick(left);
            if (best.tryAcquire(now, false)) {
                return best;
            }
            left.remove(best);
        }
        return null;
    }

    private synchronized Backend pick(List<Backend> candidates) {
        long sum = 0;
        Backend best = null;
        long bestWeight = Long.MIN_VALUE;
        for (Backend b : candidates) {
            long w = current.merge(b, (long) b.member.weight(), Long::sum);
            sum += b.member.weight();
            if (w > bestWeight) {
                bestWeight = w;
                best = b;
            }
        }
        current.merge(best, -sum, Long::sum);
        return best;
    }
}
