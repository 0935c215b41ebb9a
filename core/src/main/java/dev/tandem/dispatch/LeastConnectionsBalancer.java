package dev.tandem.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The server with the fewest active requests per unit of weight; ties go round the list, so idle
 * servers share the load evenly.
 */
final class LeastConnectionsBalancer implements Balancer {
    private final AtomicInteger tieBreak = new AtomicInteger();

    @Override
    public <T> T pick(List<Backend> candidates, long now, boolean advance, Function<Backend, T> take) {
        int turn = advance ? tieBreak.getAndIncrement() : tieBreak.get();
        List<Backend> left = new ArrayList<>(candidates);
        while (!left.isEmpty()) {
            Backend best = least(left, turn);
            T taken = take.apply(best);
            if (taken != null) {
                return taken;
            }
            left.remove(best);
        }
        return null;
    }

    private static Backend least(List<Backend> candidates, int turn) {
        int n = candidates.size();
        int start = Math.floorMod(turn, n);
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
