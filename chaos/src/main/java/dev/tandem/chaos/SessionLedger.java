package dev.tandem.chaos;

import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * One client session's ledger: the newest value of each part of the session that a response
 * acknowledged (the request's own write came back with 200) and the newest value any response
 * showed. A response is checked against the ledger as it was when the request was sent
 * ({@link #expect()}), so parallel requests of one session never count against each other:
 * <ul>
 *   <li>below an acknowledged value: an <b>acknowledged write lost</b> (a different token means the
 *       whole session was lost: every acknowledged write in it counts);</li>
 *   <li>at or above that, but below a value already seen: <b>served older than already seen</b>.</li>
 * </ul>
 * After a violation the ledger takes the observed values, so one loss is counted once.
 */
final class SessionLedger {
    /** The ledger's values when a request was sent. */
    record Expect(String token, int counterAcked, int counterSeen, long aAcked, long aSeen, long bAcked, long bSeen,
            Set<Integer> cartAcked, Set<Integer> cartSeen) {}

    private static final Expect NOTHING = new Expect(null, 0, 0, 0, 0, 0, 0, Set.of(), Set.of());

    /** What a request did: its own write, checked for by the response, not against the ledger. */
    enum Op { READ, INCR, SET_A, SET_B, ADD }

    final int number;
    private String cookie;
    private String token;
    private String lastNode;
    private int counterAcked;
    private int counterSeen;
    private long aAcked;
    private long aSeen;
    private long bAcked;
    private long bSeen;
    private final Set<Integer> cartAcked = new HashSet<>();
    private final Set<Integer> cartSeen = new HashSet<>();
    private long nextValue = 1;
    private long firstFailureNanos;
    /** The last few answers, for a violation's report: when, which node, what it showed. */
    private final Deque<String> recent = new ArrayDeque<>();

    SessionLedger(int number) {
        this.number = number;
    }

    synchronized String cookie() {
        return cookie;
    }

    synchronized void cookie(String value) {
        cookie = value;
    }

    synchronized String token() {
        return token;
    }

    /** A fresh value for a write of a or b or a cart item: every write's value is unique and rising. */
    synchronized long nextValue() {
        return nextValue++;
    }

    synchronized Expect expect() {
        return new Expect(token, counterAcked, counterSeen, aAcked, aSeen, bAcked, bSeen, Set.copyOf(cartAcked),
                Set.copyOf(cartSeen));
    }

    synchronized void failed(long sentNanos) {
        if (firstFailureNanos == 0) {
            firstFailureNanos = sentNanos;
        }
    }

    /** Checks a successful response against {@code before} and records what it acknowledged and showed. */
    synchronized void observed(Expect before, Op op, long value, Observation seen, Tally tally, long nowNanos) {
        if (firstFailureNanos != 0) {
            tally.sessionGap(nowNanos - firstFailureNanos);
            firstFailureNanos = 0;
        }
        if (lastNode != null && !lastNode.equals(seen.node())) {
            tally.failovers.increment();
        }
        lastNode = seen.node();
        remember(op, seen);
        if (before.token() != null && !before.token().equals(seen.token())) {
            int lost = Math.max(1, before.counterAcked() + (before.aAcked() > 0 ? 1 : 0)
                    + (before.bAcked() > 0 ? 1 : 0) + before.cartAcked().size());
            tally.lostWrites.add(lost);
            tally.lostSessions.increment();
            detail(tally, "lost whole (token " + before.token() + " became " + seen.token()
                    + " on " + seen.node() + "), " + lost + " acknowledged writes with it");
            forget();
            before = NOTHING; // counted once: the new session is checked from scratch
        } else if (before.token() == null && token != null && !token.equals(seen.token())) {
            // Two requests of a session without a cookie yet created two sessions: keep the newest.
            forget();
        }
        token = seen.token();
        checkCounter(before, op == Op.INCR ? seen.counter() - 1 : seen.counter(), seen, tally);
        if (op != Op.SET_A) {
            aSeen = check("a", before.aAcked(), before.aSeen(), seen.a(), aSeen, seen, tally);
            aAcked = Math.min(aAcked, aSeen);
        }
        if (op != Op.SET_B) {
            bSeen = check("b", before.bAcked(), before.bSeen(), seen.b(), bSeen, seen, tally);
            bAcked = Math.min(bAcked, bSeen);
        }
        checkCart(before, op == Op.ADD ? (int) value : null, seen, tally);
        switch (op) {
            case INCR -> counterAcked = Math.max(counterAcked, seen.counter());
            case SET_A -> aAcked = Math.max(aAcked, seen.a());
            case SET_B -> bAcked = Math.max(bAcked, seen.b());
            // The cart is written whole: every item in the acknowledged answer is acknowledged.
            case ADD -> cartAcked.addAll(seen.cart());
            case READ -> { }
        }
        counterSeen = Math.max(counterSeen, seen.counter());
        aSeen = Math.max(aSeen, seen.a());
        bSeen = Math.max(bSeen, seen.b());
        cartSeen.addAll(seen.cart());
    }

    /**
     * A logout was acknowledged for the session whose token the server named: checks it was this
     * session (not a silently re-created one) and starts over with no session.
     */
    synchronized void loggedOut(Expect before, String invalidatedToken, Tally tally) {
        if (before.token() != null && !before.token().equals(invalidatedToken)) {
            int lost = Math.max(1, before.counterAcked() + (before.aAcked() > 0 ? 1 : 0)
                    + (before.bAcked() > 0 ? 1 : 0) + before.cartAcked().size());
            tally.lostWrites.add(lost);
            tally.lostSessions.increment();
            detail(tally, "lost whole (token " + before.token() + " was " + invalidatedToken
                    + " when logging out), " + lost + " acknowledged writes with it");
        }
        reset();
    }

    private void checkCounter(Expect before, int base, Observation seen, Tally tally) {
        if (base < before.counterAcked()) {
            tally.lostWrites.add(before.counterAcked() - base);
            detail(tally, "counter " + base + " on " + seen.node() + " after "
                    + before.counterAcked() + " was acknowledged");
            counterAcked = Math.min(counterAcked, base);
            counterSeen = Math.min(counterSeen, base);
        } else if (base < before.counterSeen()) {
            tally.stale(number);
            detail(tally, "counter " + base + " on " + seen.node() + " after "
                    + before.counterSeen() + " was seen");
            counterSeen = Math.min(counterSeen, base);
        }
    }

    private long check(String name, long acked, long seenBefore, long now, long seenNow, Observation seen,
            Tally tally) {
        if (now < acked) {
            tally.lostWrites.increment();
            detail(tally, "" + name + "=" + now + " on " + seen.node() + " after " + acked
                    + " was acknowledged");
            return now;
        }
        if (now < seenBefore) {
            tally.stale(number);
            detail(tally, "" + name + "=" + now + " on " + seen.node() + " after "
                    + seenBefore + " was seen");
            return now;
        }
        return seenNow;
    }

    private void checkCart(Expect before, Integer ownItem, Observation seen, Tally tally) {
        Set<Integer> missingAcked = new HashSet<>(before.cartAcked());
        missingAcked.removeAll(seen.cart());
        missingAcked.remove(ownItem);
        Set<Integer> missingSeen = new HashSet<>(before.cartSeen());
        missingSeen.removeAll(seen.cart());
        missingSeen.remove(ownItem);
        if (!missingAcked.isEmpty()) {
            tally.lostWrites.add(missingAcked.size());
            detail(tally, "cart items " + missingAcked + " missing on " + seen.node()
                    + " after they were acknowledged");
        } else if (!missingSeen.isEmpty()) {
            tally.stale(number);
            detail(tally, "cart items " + missingSeen + " missing on " + seen.node()
                    + " after they were seen");
        }
        if (!missingSeen.isEmpty()) {
            cartAcked.removeAll(missingSeen);
            cartSeen.removeAll(missingSeen);
        }
    }

    private void detail(Tally tally, String text) {
        tally.detail("session " + number + ": " + text + "; its last answers: " + String.join(", ", recent));
    }

    private void remember(SessionLedger.Op op, Observation seen) {
        recent.addLast(LocalTime.now() + " " + op + " " + seen.node() + " c=" + seen.counter() + " a=" + seen.a()
                + " b=" + seen.b() + " cart=" + seen.cart().size());
        if (recent.size() > 6) {
            recent.removeFirst();
        }
    }

    /** After a logout: the next request starts a new session. */
    synchronized void reset() {
        cookie = null;
        forget();
    }

    /** Forgets the values of a session that is gone. */
    private void forget() {
        token = null;
        lastNode = null;
        counterAcked = counterSeen = 0;
        aAcked = aSeen = bAcked = bSeen = 0;
        cartAcked.clear();
        cartSeen.clear();
        recent.clear();
    }

    /** Whether a write was ever acknowledged in the current session (what the final check can lose). */
    synchronized boolean holdsAcknowledgedWrites() {
        return counterAcked > 0 || aAcked > 0 || bAcked > 0 || !cartAcked.isEmpty();
    }
}
