package dev.tandem.chaos;

import dev.tandem.examples.demo.NodeProcess;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The fault schedule: after the warm-up, one slot per kill, evenly spaced. In each slot a random
 * node gets SIGKILL, stays down for 1 to 3 s and is started again (the call returns once it serves);
 * in every third slot another node then gets a graceful restart too (a rolling
 * upgrade step). Never two nodes down at once, and never a fault sooner than {@link #SETTLE} after
 * a node came back, so the cluster has re-replicated what the last fault took: the guarantee is
 * for one failure of an owner/backup pair at a time. On a slow machine the slots drift later and
 * the run lasts longer than asked rather than doing fewer kills.
 */
final class Killer implements Runnable {
    private final ChaosCluster cluster;
    private final ChaosOptions options;
    private final Tally tally;
    private final SplittableRandom random;
    static final Duration SETTLE = Duration.ofSeconds(5);

    private final CountDownLatch stop = new CountDownLatch(1);
    private long settledAt;
    private final StringBuilder log = new StringBuilder();

    Killer(ChaosCluster cluster, ChaosOptions options, Tally tally) {
        this.cluster = cluster;
        this.options = options;
        this.tally = tally;
        this.random = new SplittableRandom(options.seed());
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        long interval = options.killInterval().toNanos();
        List<String> names = cluster.nodeNames();
        try {
            for (int slot = 0; slot < options.kills(); slot++) {
                long slotStart = Math.max(start + options.warmUp().toNanos() + slot * interval, settledAt);
                if (waitUntil(slotStart)) {
                    return;
                }
                String victim = names.get(random.nextInt(names.size()));
                NodeProcess node = cluster.node(victim);
                node.kill();
                tally.kills.incrementAndGet();
                note("SIGKILL " + victim);
                if (waitUntil(System.nanoTime() + Duration.ofMillis(1000 + random.nextInt(2000)).toNanos())) {
                    restart(node);
                    return;
                }
                restart(node);
                if (slot % 3 == 2) {
                    if (waitUntil(settledAt)) {
                        return;
                    }
                    String other = names.size() == 1 ? victim
                            : names.get((names.indexOf(victim) + 1 + random.nextInt(names.size() - 1)) % names.size());
                    NodeProcess graceful = cluster.node(other);
                    graceful.stop();
                    tally.gracefulRestarts.incrementAndGet();
                    note("graceful restart " + other);
                    restart(graceful);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void restart(NodeProcess node) throws InterruptedException {
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                node.start(ChaosCluster.START_TIMEOUT);
                settledAt = System.nanoTime() + SETTLE.toNanos();
                note("started " + node.name());
                return;
            } catch (IOException e) {
                tally.failedRestarts.incrementAndGet();
                note("restart of " + node.name() + " failed (attempt " + attempt + "): " + e.getMessage());
            }
        }
        throw new InterruptedException(node.name() + " did not start three times; see " + node.log());
    }

    /** Waits until the given time; true when the run is stopping. */
    private boolean waitUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        return left > 0 && stop.await(left, TimeUnit.NANOSECONDS) || stop.getCount() == 0;
    }

    void stop() {
        stop.countDown();
    }

    private synchronized void note(String event) {
        String line = Instant.now() + " " + event;
        log.append(line).append('\n');
        System.out.println("chaos: " + line);
    }

    synchronized String log() {
        return log.toString();
    }
}
