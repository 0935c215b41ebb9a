package dev.tandem.dispatch;

import dev.tandem.cluster.ClusterMember;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of one app server as this web-tier node sees it: active requests, counters,
 * up or down (passive and active health), draining, overloaded (priority thresholds) and the
 * last load report. Thread-safe; every method is lock-free.
 *
 * <p>A down server takes one request once its retry time has passed: the probe. The probe's
 * {@link Lease} is the only thing that can hold the probe slot, and every end of it, or its age,
 * frees the slot.
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
    private final AtomicReference<Lease> outstandingProbe = new AtomicReference<>();
    private final long probeTimeoutMillis;
    private volatile long retryAt;
    private volatile boolean overloaded;
    private volatile boolean draining;
    private volatile int goodChecks;
    private volatile HealthResult lastCheck;
    private volatile AgentReport report;

    /** The outcome of one active health check. */
    record HealthResult(long atMillis, long latencyMicros, boolean good, String detail) {}

    /** @param probeTimeoutMillis how long an unresolved probe request keeps other requests from probing */
    Backend(String cluster, ClusterMember member, long probeTimeoutMillis) {
        this.cluster = cluster;
        this.member = member;
        this.probeTimeoutMillis = probeTimeoutMillis;
    }

    String name() {
        return member.name();
    }

    /**
     * Counts a request in if the server may take it now: up, or down with its retry time passed and
     * no probe outstanding (this request is then the probe); not overloaded unless {@code pinned} by
     * a session. The overload check and the count are one atomic step, so traffic spills to the next
     * pool exactly when every server of a pool is full.
     *
     * @return the request's lease, which the caller must end; null if the server will not take it
     */
    Lease tryAcquire(long now, boolean pinned) {
        Lease probe = null;
        if (down.get()) {
            probe = takeProbe(now);
            if (probe == null) {
                return null;
            }
        }
        int max = member.maxConnections().orElse(Integer.MAX_VALUE);
        int a;
        do {
            a = active.get();
            if (!pinned && (overloaded || a >= max)) {
                if (probe != null) {
                    outstandingProbe.compareAndSet(probe, null);
                }
                return null;
            }
        } while (!active.compareAndSet(a, a + 1));
        if (a + 1 >= max) {
            overloaded = true;
        }
        total.increment();
        if (pinned) {
            sticky.increment();
        }
        return probe != null ? probe : Lease.request(this);
    }

    /**
     * The probe slot of a down server, if its retry time has passed and no probe holds it. A probe
     * still unresolved after {@code probeTimeoutMillis} counts as failed and gives up the slot, so
     * a probe whose end was lost cannot keep the server out for good.
     */
    private Lease takeProbe(long now) {
        if (now < retryAt) {
            return null;
        }
        Lease held = outstandingProbe.get();
        if (held != null && now < held.probeUntil) {
            return null;
        }
        Lease probe = Lease.probe(this, now + probeTimeoutMillis);
        if (!outstandingProbe.compareAndSet(held, probe)) {
            return null;
        }
        if (held != null) {
            failures.increment();
            LOG.warn("dispatch: server {} ({}, cluster {}): the probe request had no outcome within {} ms; counted as failed, "
                    + "probing again", name(), member.address(), cluster, probeTimeoutMillis);
        }
        return probe;
    }

    /**
     * Counts a request out; an overloaded server takes traffic again once it is down to
     * min-connections. Only {@link Lease} calls this.
     */
    void countOut() {
        int a = active.decrementAndGet();
        if (overloaded && a <= member.minConnections().orElse(Integer.MAX_VALUE)) {
            overloaded = false;
        }
    }

    /** Whether new requests may come here now (for balancers that rank before acquiring). */
    boolean selectable(long now) {
        if (!down.get()) {
            return true;
        }
        Lease held = outstandingProbe.get();
        return now >= retryAt && (held == null || now >= held.probeUntil);
    }

    /** Whether {@link #tryAcquire} would take a request now; changes nothing (the status page's question). */
    boolean wouldTake(long now, boolean pinned) {
        return selectable(now) && (pinned || (!overloaded && active.get() < member.maxConnections().orElse(Integer.MAX_VALUE)));
    }

    boolean isProbe(Lease lease) {
        return outstandingProbe.get() == lease;
    }

    /** The server answered: it is up. */
    void markUp(String why) {
        outstandingProbe.set(null);
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
        outstandingProbe.set(null);
        if (wasUp) {
            LOG.warn("dispatch: server {} ({}, cluster {}) is down: {}; next try in {} ms", name(), member.address(), cluster,
                    why, recoverMillis);
        }
    }

    /**
     * The request {@code lease} held failed; if it was the probe, the server stays down for another
     * recover-time. Only {@link Lease} calls this.
     */
    void failed(Lease lease, long now, long recoverMillis, String why) {
        failures.increment();
        if (outstandingProbe.get() == lease) {
            // The retry time moves before the slot frees, so no request slips in between.
            retryAt = now + recoverMillis;
            if (outstandingProbe.compareAndSet(lease, null)) {
                LOG.info("dispatch: server {} ({}, cluster {}) is still down: its probe request failed: {}; next try in {} ms",
                        name(), member.address(), cluster, why, recoverMillis);
            }
        }
    }

    /**
     * {@code lease} ended without a verdict: if it was the probe, the next request probes.
     * Only {@link Lease} calls this.
     */
    void probeReturned(Lease lease) {
        outstandingProbe.compareAndSet(lease, null);
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
