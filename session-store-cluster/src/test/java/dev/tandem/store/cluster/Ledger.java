package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tandem.session.spi.StoredSession;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the simulated clients did and were told, per session, and the checks on what they read:
 * an acknowledged write stays readable until a later write to the same attribute supersedes it;
 * an invalidated session never comes back; a read never returns an older version than one the
 * session's client already saw. Violations are collected with their time; {@link Simulation}
 * decides afterwards which fall outside the fault model.
 */
final class Ledger {

    /** One write to one attribute: {@code value} null means the attribute was removed. */
    static final class Write {
        final String value;
        final long issued;
        boolean acked;

        Write(String value, long issued) {
            this.value = value;
            this.issued = issued;
        }
    }

    static final class Session {
        final String id;
        final long created;
        final int maxInactiveSeconds;
        final Map<String, List<Write>> writes = new TreeMap<>();
        long lastAckedAccess = Long.MIN_VALUE;
        long oldestUnknownAccess = Long.MAX_VALUE;
        long removeIssued = -1;
        long removed = -1;
        long maxSeenVersion;
        final List<Long> ackTimes = new ArrayList<>();
        final List<Long> touches = new ArrayList<>();
        /** Each acknowledged save's access time and acknowledgement time. */
        final List<long[]> ackedSaves = new ArrayList<>();

        private final long lateWindow;

        Session(String id, long created, int maxInactiveSeconds, long lateWindow) {
            this.lateWindow = lateWindow;
            this.id = id;
            this.created = created;
            this.maxInactiveSeconds = maxInactiveSeconds;
        }

        boolean everAcked() {
            return lastAckedAccess != Long.MIN_VALUE;
        }

        /**
         * Whether the store may have expired it by {@code now}: only acknowledged saves count as
         * accesses, and a save whose outcome its client never learned may land late and set its older
         * access time.
         */
        boolean mayHaveExpired(long now) {
            return everAcked() && now > Math.min(lastAppliedAccess(), oldestUnknownAccess) + maxInactiveSeconds * 1000L;
        }

        /**
         * The access time the store's copy may carry: a save overwrites the times, and a parallel save
         * sent before the latest one but acknowledged after it was sent may have been applied last.
         */
        long lastAppliedAccess() {
            long latest = lastAckedAccess;
            long oldest = latest;
            for (long touch : touches) {
                if (touch <= latest && touch >= latest - lateWindow) {
                    oldest = Math.min(oldest, touch); // a touch sent in the background may land after the save
                }
            }
            for (long[] save : ackedSaves) {
                if (save[1] >= latest) {
                    oldest = Math.min(oldest, save[0]);
                }
            }
            return oldest;
        }
    }

    /** What a read issued at some moment must see: captured when it is issued. */
    record Expectation(Session session, long issued, long minVersion, boolean removedBefore,
            Map<String, Integer> ackedUpTo) {}

    private final Map<String, Session> sessions = new LinkedHashMap<>();
    /** How late a message may land (delay plus socket-timeout): a touch sent that long before a save may land after it. */
    private final long lateWindow;

    Ledger(long lateWindow) {
        this.lateWindow = lateWindow;
    }
    private final List<Violation> violations = new ArrayList<>();
    /** Set for the final reads, once faults ended and the cluster settled. */
    boolean settled;

    Session create(String id, long now, int maxInactiveSeconds) {
        Session s = new Session(id, now, maxInactiveSeconds, lateWindow);
        sessions.put(id, s);
        return s;
    }

    Session session(String id) {
        return sessions.get(id);
    }

    Collection<Session> sessions() {
        return sessions.values();
    }

    List<Violation> violations() {
        return violations;
    }

    void violation(String kind, Session s, long now, String detail) {
        violation(kind, s, now, now, detail);
    }

    void violation(String kind, Session s, long issued, long now, String detail) {
        violations.add(new Violation(kind, s.id, issued, now, detail, settled, false));
    }

    Write write(Session s, String attribute, String value, long now) {
        Write w = new Write(value, now);
        s.writes.computeIfAbsent(attribute, a -> new ArrayList<>()).add(w);
        return w;
    }

    /** A save issued when the client had seen {@code seenBefore} was acknowledged at {@code version}. */
    void acked(Session s, List<Write> writes, long seenBefore, long version, long lastAccessedTime, long now) {
        writes.forEach(w -> w.acked = true);
        s.ackTimes.add(now);
        s.ackedSaves.add(new long[] {lastAccessedTime, now});
        s.lastAckedAccess = Math.max(s.lastAckedAccess, lastAccessedTime);
        if (version <= seenBefore && s.removeIssued < 0 && !s.mayHaveExpired(now)) {
            violation("older-version", s, lastAccessedTime, now, "a save was acknowledged at version " + version
                    + " after the client had seen version " + seenBefore);
        }
        s.maxSeenVersion = Math.max(s.maxSeenVersion, version);
    }

    /** A save carrying {@code lastAccessedTime} failed: it may or may not have been applied, now or later. */
    void unknown(Session s, long lastAccessedTime) {
        s.oldestUnknownAccess = Math.min(s.oldestUnknownAccess, lastAccessedTime);
    }

    /** What a read issued now must see: for each attribute, which of its writes had been acknowledged. */
    Expectation expect(Session s, long now) {
        Map<String, Integer> ackedUpTo = new TreeMap<>();
        s.writes.forEach((attribute, ws) -> {
            for (int i = 0; i < ws.size(); i++) {
                if (ws.get(i).acked) {
                    ackedUpTo.put(attribute, i);
                }
            }
        });
        return new Expectation(s, now, s.maxSeenVersion, s.removed >= 0, ackedUpTo);
    }

    /**
     * The values an attribute may have for a read issued under {@code e}: the last value acknowledged
     * before the read, anything written after it (also by a parallel request), and any write whose
     * outcome its client never learned, since it may land whenever its message arrives.
     */
    private static Set<String> allowed(Expectation e, List<Write> ws, String attribute) {
        Set<String> values = new LinkedHashSet<>();
        int from = e.ackedUpTo().getOrDefault(attribute, -1);
        if (from < 0) {
            values.add(null);
        }
        for (int i = 0; i < ws.size(); i++) {
            if (i >= from || !ws.get(i).acked) {
                values.add(ws.get(i).value);
            }
        }
        return values;
    }

    /** Checks what a read issued under {@code e} returned; {@code node} names where it was served. */
    void read(Expectation e, StoredSession got, String node, long now) {
        Session s = e.session();
        if (got == null) {
            if (s.removeIssued < 0 && s.everAcked() && !s.mayHaveExpired(now)) {
                violation("lost-session", s, now, "read via " + node + " found no session; the client never "
                        + "invalidated it and its acknowledged saves keep it alive until "
                        + (s.lastAckedAccess + s.maxInactiveSeconds * 1000L - SimScheduler.EPOCH) / 1000.0 + "s");
            }
            return;
        }
        if (e.removedBefore()) {
            violation("resurrected", s, now, "read via " + node + " returned version " + got.version()
                    + " of a session whose invalidation completed before the read");
            return;
        }
        if (s.removeIssued >= 0 || s.mayHaveExpired(now)) {
            return; // going away: what it still shows is not promised
        }
        if (got.version() < e.minVersion()) {
            violation("older-version", s, e.issued(), now, "read via " + node + " returned version " + got.version()
                    + " after the client had seen version " + e.minVersion());
        }
        s.writes.forEach((attribute, ws) -> {
            Set<String> values = allowed(e, ws, attribute);
            byte[] bytes = got.attributes().get(attribute);
            String value = bytes == null ? null : new String(bytes, UTF_8);
            if (!values.contains(value)) {
                violation("lost-write", s, e.issued(), now, "read via " + node + " at version " + got.version() + " gave "
                        + attribute + "=" + value + " but an acknowledged write left it at one of " + values);
            }
        });
    }

    /** The acting owner swept these sessions as expired at {@code now}. */
    void swept(List<String> ids, String node, long now) {
        for (String id : ids) {
            Session s = sessions.get(id);
            if (s != null && s.removeIssued < 0 && s.everAcked() && !s.mayHaveExpired(now)) {
                violation("swept-alive", s, now, "swept by " + node + " while its acknowledged saves keep it alive");
            }
        }
    }

    /** A save was refused because the store holds the session as invalidated. */
    void refused(Session s, String node, long now) {
        if (s.removeIssued < 0 && s.everAcked() && !s.mayHaveExpired(now)) {
            violation("lost-session", s, now, "a save via " + node + " was refused as invalidated; the client never "
                    + "invalidated it");
        }
    }
}
