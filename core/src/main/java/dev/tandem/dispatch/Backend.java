package dev.tandem.dispatch;

import dev.tandem.cluster.ClusterMember;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of one app server as this web-tier node sees it: active requests, counters,
 * up or down (passive and active health), draining, overloaded (priority thresholds) and the
 * last load report. Thread-safe; every method is lock-free.
 */
final class Backend {
    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

    final String cluster;
    final ClusterMember member;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder total = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder sticky = new LongAdder();
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile long retryAt;
    private volatile boolean overloaded;
    private volatile boolean draining;
    private volatile int goodChecks;
    private volatile HealthResult lastCheck;
    private volatile AgentReport report;

    /** The outcome of one active health check. */
    record HealthResult(long atMillis, long latencyMicros, boolean good, String detail) {}

    Backend(String cluster, ClusterMember member) {
        this.cluster = cluster;
        this.member = member;
    }

    String name() {
        return member.name();
    }

    /**
     * Counts a request in if the server may take it now: up, or down with its retry time passed and
     * no probe in flight (this request is then the probe); not overloaded unless {@code pinned} by a
     * session. The overload check and the count are one atomic step, so traffic spills to the next
     * pool exactly when every server of a pool is full.
     */
    boolean tryAcquire(long now, boolean pinned) {
        if (down.get() && (now < retryAt || !probing.compareAndSet(false, true))) {
            return false;
        }
        int max = member.maxConnections().orElse(Integer.MAX_VALUE);
        int a;
        do {
            a = active.get();
            if (!pinned && (overloaded || a >= max)) {
                if (down.get()) {
                    probing.set(false);
                }
                return false;
            }
        } while (!active.compareAndSet(a, a + 1));
        if (a + 1 >= max) {
            overloaded = true;
        }
        total.increment();
        if (pinned) {
            sticky.increment();
        }
        return true;
    }

    /** Counts a request out; an overloaded server takes traffic again once it is down to min-connections. */
    void release() {
        int a = active.decrementAndGet();
        if (overloaded && a <= member.minConnections().orElse(Integer.MAX_VALUE)) {
            overloaded = false;
        }
    }

    /** Whether new requests may come here now (for balancers that rank before acquiring). */
    boolean selectable(long now) {
        return !down.get() || (now >= retryAt && !probing.get());
    }

    /** The server answered: it is up. */
    void markUp(String why) {
        probing.set(false);
        if (down.compareAndSet(true, false)) {
            LOG.info("dispatch: server {} ({}, cluster {}) is up: {}", name(), member.address(), cluster, why);
        }
    }

    /** The server could not be reached: down until {@code retryAt}, when one probe request may go to it. */
    void markDown(long now, long recoverMillis, String why) {
        failures.increment();
        goodChecks = 0;
        retryAt = now + recoverMillis;
        boolean wasUp = down.compareAndSet(false, true);
        probing.set(false);
        if (wasUp) {
            LOG.warn("dispatch: server {} ({}, cluster {}) is down: {}; next try in {} ms", name(), member.address(), cluster,
                    why, recoverMillis);
        }
    }

    void countFailure() {
        failures.increment();
    }

    /** Records an active health check; after {@code needed} good checks in a row a down server is up. */
    void checked(HealthResult result, long recoverMillis, int needed) {
        lastCheck = result;
        if (!result.good()) {
            markDown(result.atMillis(), recoverMillis, "health check " + result.detail());
            return;
        }
        int good = goodChecks + 1;
        goodChecks = good;
        if (down.get() && good >= needed) {
            markUp(good + " good health checks");
        }
    }

    void drain(boolean on, String by) {
        if (draining != on) {
            draining = on;
            LOG.info("dispatch: server {} (cluster {}) {} by {}", name(), cluster, on ? "is draining" : "takes new sessions again",
                    by);
        }
    }

    void report(AgentReport r) {
        report = r;
    }

    boolean isDown() {
        return down.get();
    }

    boolean isDraining() {
        return draining;
    }

    boolean isOverloaded() {
        return overloaded;
    }

    int active() {
        return active.get();
    }

    long total() {
        return total.sum();
    }

    long failures() {
        return failures.sum();
    }

    long stickyCount() {
        return sticky.sum();
    }

    HealthResult lastCheck() {
        return lastCheck;
    }

    AgentReport report() {
        return report;
    }

    String state() {
        return down.get() ? "down" : draining ? "draining" : overloaded ? "overloaded" : "up";
    }

    @Override
    public String toString() {
        return name() + "@" + member.address();
    }
}
