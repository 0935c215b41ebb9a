package dev.tandem.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Smooth weighted round-robin (nginx): each server gains its weight every turn, the highest is
 * picked and loses the total. Weights 5:1 give {@code a a b a a a}-like interleaving, not bursts.
 */
final class WeightedBalancer implements Balancer {
    private final Map<Backend, Long> current = new HashMap<>();

    @Override
    public <T> T pick(List<Backend> candidates, long now, boolean advance, Function<Backend, T> take) {
        Map<Backend, Long> weights = advance ? current : copyOfCurrent();
        List<Backend> left = new ArrayList<>(candidates);
        while (!left.isEmpty()) {
            Backend best = next(left, weights);
            T taken = take.apply(best);
            if (taken != null) {
                return taken;
            }
            left.remove(best);
        }
        return null;
    }

    private synchronized Map<Backend, Long> copyOfCurrent() {
        return new HashMap<>(current);
    }

    private synchronized Backend next(List<Backend> candidates, Map<Backend, Long> current) {
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
