package dev.tandem.dispatch;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The IPVS {@code hprio} scheduler: only the servers of the highest weight that are not overloaded
 * take traffic, in turn. A server is overloaded once its active requests reach
 * {@code max-connections} and until they fall to {@code min-connections} ({@link Backend#tryAcquire}).
 * When the whole top pool is overloaded or down, traffic spills to the next weight (and, after the
 * last, to the {@code backup} servers); it returns as soon as a top server recovers.
 */
final class PriorityBalancer implements Balancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public <T> T pick(List<Backend> candidates, long now, boolean advance, Function<Backend, T> take) {
        int turn = advance ? next.getAndIncrement() : next.get();
        int ceiling = Integer.MAX_VALUE;
        while (true) {
            int weight = 0;
            for (Backend b : candidates) {
                int w = b.member.weight();
                if (w < ceiling && w > weight) {
                    weight = w;
                }
            }
            if (weight == 0) {
                return null;
            }
            int n = candidates.size();
            for (int i = 0; i < n; i++) {
                Backend b = candidates.get(Math.floorMod(turn + i, n));
                if (b.member.weight() == weight) {
                    T taken = take.apply(b);
                    if (taken != null) {
                        return taken;
                    }
                }
            }
            ceiling = weight;
        }
    }
}
