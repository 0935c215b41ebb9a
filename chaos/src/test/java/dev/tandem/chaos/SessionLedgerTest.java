package dev.tandem.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The chaos runner's checks themselves: each kind of violation is counted, and nothing else is. */
class SessionLedgerTest {
    private final Tally tally = new Tally();
    private final SessionLedger ledger = new SessionLedger(1);

    private static Observation seen(String token, int counter, long a, long b, Set<Integer> cart, String node) {
        return new Observation(token, counter, a, b, cart, node, false);
    }

    private void answer(SessionLedger.Op op, long value, Observation seen) {
        ledger.observed(ledger.expect(), op, value, seen, tally, System.nanoTime());
    }

    @Test
    void aConsistentHistoryCountsNoViolation() {
        answer(SessionLedger.Op.READ, 0, seen("t", 0, 0, 0, Set.of(), "app-a"));
        answer(SessionLedger.Op.INCR, 0, seen("t", 1, 0, 0, Set.of(), "app-a"));
        answer(SessionLedger.Op.ADD, 7, seen("t", 1, 0, 0, Set.of(7), "app-b"));
        answer(SessionLedger.Op.READ, 0, seen("t", 1, 0, 0, Set.of(7), "app-b"));
        assertEquals(0, tally.violations());
        assertEquals(1, tally.failovers.sum());
    }

    @Test
    void aCounterBelowAnAcknowledgedIncrementIsALostWrite() {
        answer(SessionLedger.Op.INCR, 0, seen("t", 1, 0, 0, Set.of(), "app-a"));
        answer(SessionLedger.Op.INCR, 0, seen("t", 2, 0, 0, Set.of(), "app-a"));
        answer(SessionLedger.Op.INCR, 0, seen("t", 2, 0, 0, Set.of(), "app-b"));
        assertEquals(1, tally.lostWrites.sum());
        answer(SessionLedger.Op.READ, 0, seen("t", 2, 0, 0, Set.of(), "app-b"));
        assertEquals(1, tally.lostWrites.sum(), "a loss is counted once");
    }

    @Test
    void parallelWritesOfTwoAttributesMustBothSurvive() {
        SessionLedger.Expect before = ledger.expect();
        ledger.observed(before, SessionLedger.Op.SET_A, 1, seen("t", 0, 1, 0, Set.of(), "app-a"), tally, 0);
        ledger.observed(before, SessionLedger.Op.SET_B, 2, seen("t", 0, 0, 2, Set.of(), "app-a"), tally, 0);
        assertEquals(0, tally.violations(), "each answer may miss the other's write");
        answer(SessionLedger.Op.READ, 0, seen("t", 0, 1, 0, Set.of(), "app-b"));
        assertEquals(1, tally.lostWrites.sum(), "b was acknowledged");
    }

    @Test
    void aMissingCartItemOrAWholeNewSessionIsLost() {
        answer(SessionLedger.Op.ADD, 3, seen("t", 0, 0, 0, Set.of(3), "app-a"));
        answer(SessionLedger.Op.READ, 0, seen("t", 0, 0, 0, Set.of(), "app-a"));
        assertEquals(1, tally.lostWrites.sum());
        answer(SessionLedger.Op.INCR, 0, seen("t", 1, 0, 0, Set.of(), "app-a"));
        answer(SessionLedger.Op.READ, 0, seen("other", 0, 0, 0, Set.of(), "app-a"));
        assertEquals(2, tally.lostWrites.sum());
        assertEquals(1, tally.lostSessions.sum());
    }

    @Test
    void aValueBelowOneSeenButNeverAcknowledgedIsStaleNotLost() {
        answer(SessionLedger.Op.READ, 0, seen("t", 0, 5, 0, Set.of(), "app-a"));
        answer(SessionLedger.Op.READ, 0, seen("t", 0, 4, 0, Set.of(), "app-b"));
        assertEquals(0, tally.lostWrites.sum());
        assertEquals(1, tally.staleSessions());
    }

    @Test
    void aLogoutAnsweredForAnotherSessionMeansOursWasLost() {
        answer(SessionLedger.Op.INCR, 0, seen("t", 1, 0, 0, Set.of(), "app-a"));
        ledger.loggedOut(ledger.expect(), "fresh", tally);
        assertEquals(1, tally.lostSessions.sum());
        assertEquals(null, ledger.cookie());
    }
}
