package dev.tandem.dispatch;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's hold on a server, from the pick ({@link Backend#tryAcquire}) to the end of the
 * exchange. Whoever picks a server owns the lease and must end it once, by exactly one of
 * {@link #release}, {@link #failed} or {@link #unreachable}; later ends are ignored, so a path that
 * ends it twice does no harm.
 *
 * <p>The lease of a down server's probe request is how the probe resolves: an answer brings the
 * server up, a failure keeps it down for another recover-time, and an end without a verdict (the
 * client went away, an exception, a pick never used) hands the probe to the next request. A probe
 * whose lease is never ended at all stops blocking others at {@link #probeUntil}.
 */
final class Lease {
    final Backend backend;
    /** For a probe, when it counts as failed if still unresolved; for other leases, never. */
    final long probeUntil;
    private final AtomicBoolean ended = new AtomicBoolean();

    private Lease(Backend backend, long probeUntil) {
        this.backend = backend;
        this.probeUntil = probeUntil;
    }

    static Lease request(Backend backend) {
        return new Lease(backend, Long.MAX_VALUE);
    }

    static Lease probe(Backend backend, long until) {
        return new Lease(backend, until);
    }

    /** Whether this is the server's outstanding probe: a down server takes no other new request. */
    boolean isProbe() {
        return backend.isProbe(this);
    }

    /** The server sent the head of a response: it is up. The lease stays held until the exchange ends. */
    void answered(String why) {
        backend.markUp(why);
    }

    /** Ends the lease without a verdict on the server: the request succeeded, or ended for reasons not the server's. */
    void release() {
        if (end()) {
            backend.probeReturned(this);
            backend.countOut();
        }
    }

    /** Ends the lease: the server took the request but failed it (reset, timeout, cut short). */
    void failed(long now, long recoverMillis, String why) {
        if (end()) {
            backend.failed(this, now, recoverMillis, why);
            backend.countOut();
        }
    }

    /** Ends the lease: the server could not be reached; it is down for {@code recoverMillis}. */
    void unreachable(long now, long recoverMillis, String why) {
        if (end()) {
            backend.markDown(now, recoverMillis, why);
            backend.countOut();
        }
    }

    // The verdict is recorded before the request is counted out, so once a server shows no active
    // request, whatever its requests said about it is in its state.
    private boolean end() {
        return ended.compareAndSet(false, true);
    }

    @Override
    public String toString() {
        return (probeUntil == Long.MAX_VALUE ? "lease on " : "probe lease on ") + backend;
    }
}
