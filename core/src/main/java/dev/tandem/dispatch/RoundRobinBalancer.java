package dev.tandem.dispatch;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Each server in turn; a server that will not take the request is skipped. */
final class RoundRobinBalancer implements Balancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public <T> T pick(List<Backend> candidates, long now, boolean advance, Function<Backend, T> take) {
        int n = candidates.size();
        int start = Math.floorMod(advance ? next.getAndIncrement() : next.get(), n);
        for (int i = 0; i < n; i++) {
            T taken = take.apply(candidates.get((start + i) % n));
            if (taken != null) {
                return taken;
            }
        }
        return null;
    }
}
