package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cluster.ClusterTopology;
import dev.tandem.session.spi.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How a down server's probe request resolves, whichever way it ends, on {@link Pool}, {@link Backend}
 * and the balancers, with a clock moved by hand.
 */
class ProbeTest {
    static final long RECOVER = 15_000;
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(40);
    final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    static Pool pool(Algorithm algorithm, String servers) {
        return new Pool("cluster", ClusterTopology.parse("cluster", servers), Balancer.of(algorithm, Map.of("cpu", 1.0), 30_000),
                PROBE_TIMEOUT);
    }

    static Pool twoServers() {
        return pool(Algorithm.ROUND_ROBIN, "a=127.0.0.1:1 b=127.0.0.1:2");
    }

    long now() {
        return clock.millis();
    }

    /** A request to {@code a} finds it refusing connections; then recover-time passes. */
    Backend downAndDueForAProbe(Pool pool) {
        Backend a = pool.byName("a").orElseThrow();
        a.tryAcquire(now(), true).unreachable(now(), RECOVER, "connection refused");
        assertTrue(a.isDown());
        assertFalse(a.selectable(now()));
        clock.advance(Duration.ofMillis(RECOVER));
        assertTrue(a.selectable(now()));
        return a;
    }

    /** The servers {@code n} requests get, each served at once. */
    List<String> serve(Pool pool, int n) {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Lease lease = pool.acquire(Set.of(), now());
            lease.release();
            servers.add(lease.backend.name());
        }
        return servers;
    }

    /** The next request the balancer gives to {@code server}, with the leases it handed out to others on the way (not ended). */
    static Lease nextOn(Pool pool, Backend server, long now, List<Lease> others) {
        for (int i = 0; i < 4; i++) {
            Lease lease = pool.acquire(Set.of(), now);
            if (lease.backend == server) {
                return lease;
            }
            others.add(lease);
        }
        throw new AssertionError("the balancer gave " + server + " no request in 4");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Algorithm.class)
    void everyAlgorithmAndStickyRoutingSendADownServerOneProbeAtATime(Algorithm algorithm) {
        Pool pool = pool(algorithm, "a=127.0.0.1:1 b=127.0.0.1:2");
        Backend a = downAndDueForAProbe(pool);
        List<Lease> others = new ArrayList<>();
        Lease probe = nextOn(pool, a, now(), others);
        assertTrue(probe.isProbe());
        for (int i = 0; i < 4; i++) {
            Lease lease = pool.acquire(Set.of(), now());
            assertEquals("b", lease.backend.name(), "request " + i + " while the probe is out");
            assertFalse(lease.isProbe());
        }
        assertNull(a.tryAcquire(now(), true), "a session pinned to a waits for the probe too");
    }

    @Test
    void aProbeThatIsAnsweredBringsTheServerBack() {
        Pool pool = twoServers();
        Backend a = downAndDueForAProbe(pool);
        Lease probe = a.tryAcquire(now(), true);
        probe.answered("answered a request");
        probe.release();
        assertFalse(a.isDown());
        assertEquals(List.of("a", "b", "a", "b"), serve(pool, 4));
        assertEquals(0, a.active());
    }

    @Test
    void aProbeThatFailsKeepsTheServerDownForAnotherRecoverTimeThenTheNextRequestProbes() {
        Pool pool = twoServers();
        Backend a = downAndDueForAProbe(pool);
        long failures = a.failures();
        a.tryAcquire(now(), true).failed(now(), RECOVER, "connection reset");
        assertTrue(a.isDown());
        assertEquals(failures + 1, a.failures());
        clock.advance(Duration.ofMillis(RECOVER - 1));
        assertEquals(List.of("b", "b", "b"), serve(pool, 3));
        clock.advance(Duration.ofMillis(1));
        Lease again = nextOn(pool, a, now(), new ArrayList<>());
        assertTrue(again.isProbe());
    }

    @Test
    void aProbeThatCannotConnectKeepsTheServerDownForAnotherRecoverTime() {
        Pool pool = twoServers();
        Backend a = downAndDueForAProbe(pool);
        a.tryAcquire(now(), true).unreachable(now(), RECOVER, "connection refused");
        assertFalse(a.selectable(now()));
        clock.advance(Duration.ofMillis(RECOVER));
        assertTrue(nextOn(pool, a, now(), new ArrayList<>()).isProbe());
    }

    @Test
    void aProbeEndedWithoutAVerdictAsWhenItsClientWentAwayIsHandedToTheNextRequest() {
        Pool pool = twoServers();
        Backend a = downAndDueForAProbe(pool);
        long failures = a.failures();
        Lease probe = a.tryAcquire(now(), true);
        assertFalse(a.selectable(now()));
        probe.release();
        assertTrue(a.isDown(), "no verdict: still down until a probe is answered");
        assertEquals(failures, a.failures(), "the client going away is not the server's failure");
        assertEquals(0, a.active());
        Lease next = nextOn(pool, a, now(), new ArrayList<>());
        assertTrue(next.isProbe());
        next.answered("answered a request");
        next.release();
        assertFalse(a.isDown());
    }

    @Test
    void aProbeStillUnresolvedAfterTheProbeTimeoutCountsAsFailedAndTheNextRequestProbes() {
        Pool pool = twoServers();
        Backend a = downAndDueForAProbe(pool);
        Lease lost = a.tryAcquire(now(), true);
        long failures = a.failures();
        clock.advance(PROBE_TIMEOUT.minusMillis(1));
        assertFalse(a.selectable(now()));
        assertNull(a.tryAcquire(now(), true));
        clock.advance(Duration.ofMillis(1));
        assertTrue(a.selectable(now()));
        Lease probe = nextOn(pool, a, now(), new ArrayList<>());
        assertTrue(probe.isProbe());
        assertFalse(lost.isProbe());
        assertEquals(failures + 1, a.failures());
        lost.release();
        assertFalse(a.selectable(now()), "the lost probe's late end does not free its successor's slot");
        probe.answered("answered a request");
        probe.release();
        assertFalse(a.isDown());
        assertEquals(0, a.active());
    }

    @Test
    void aLeaseEndsOnceHoweverOftenItIsEnded() {
        Pool pool = twoServers();
        Backend a = downAndDueForAProbe(pool);
        Lease probe = a.tryAcquire(now(), true);
        probe.failed(now(), RECOVER, "connection reset");
        long failures = a.failures();
        probe.release();
        probe.failed(now(), RECOVER, "connection reset");
        assertEquals(0, a.active());
        assertEquals(failures, a.failures());
        assertFalse(a.selectable(now()), "the failure stands: a later release does not hand the probe on");
    }

    @Test
    void aProbeRefusedForOverloadLeavesTheSlotToTheNextRequest() {
        Pool pool = pool(Algorithm.PRIORITY, "a=127.0.0.1:1 max-connections=1 min-connections=0 b=127.0.0.1:2");
        Backend a = pool.byName("a").orElseThrow();
        Lease pinned = a.tryAcquire(now(), true);
        downAndDueForAProbe(pool);
        assertNull(a.tryAcquire(now(), false), "full");
        pinned.release();
        assertTrue(a.tryAcquire(now(), false).isProbe());
    }

    @Test
    void askingWhichServerWouldBeChosenLeavesTheProbeToARequest() {
        Pool pool = pool(Algorithm.ROUND_ROBIN, "a=127.0.0.1:1");
        Backend a = downAndDueForAProbe(pool);
        for (int i = 0; i < 3; i++) {
            assertSame(a, pool.wouldChoose(now()), "ask " + i);
        }
        Lease probe = pool.acquire(Set.of(), now());
        assertNotNull(probe);
        assertTrue(probe.isProbe());
        assertNull(pool.wouldChoose(now()), "while the probe is out, no request would get a");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Algorithm.class)
    void askingWhichServerWouldBeChosenChangesNothingAndNamesTheOneTheNextRequestGets(Algorithm algorithm) {
        Pool pool = pool(algorithm, "a=127.0.0.1:1 weight=3 b=127.0.0.1:2 weight=2 c=127.0.0.1:3 weight=2 d=127.0.0.1:4 backup");
        List<Lease> held = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Backend named = pool.wouldChoose(now());
            assertSame(named, pool.wouldChoose(now()), "asking twice, request " + i);
            Lease lease = pool.acquire(Set.of(), now());
            assertSame(named, lease.backend, "request " + i);
            // Keep some requests in flight, so least-connections has something to rank by.
            if (i % 3 == 0) {
                held.add(lease);
            } else {
                lease.release();
            }
        }
        assertEquals(12, pool.backends.stream().mapToLong(Backend::total).sum(), "only the requests were counted");
        held.forEach(Lease::release);
    }
}
