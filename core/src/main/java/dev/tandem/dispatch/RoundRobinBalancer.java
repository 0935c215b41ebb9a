package dev.tandem.dispatch;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each server in turn; a server that will not take the request is skipped. */
final class RoundRobinBalancer implements Balancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Backend acquire(List<Backend> candidates, long now) {
        int n = candidates.size();
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Backend b = candidates.get((start + i) % n);
            if (b.tryAcquire(now, false)) {
                return b;
            }
        }
        return null;
    }
}
