package dev.tandem.store.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * The fault model the promises are made under (RELIABILITY.md). A server is <em>lost</em>
 * <ul>
 *   <li>while its process is dead (killed, or its machine crashed) until it restarts: its disk
 *       keeps its copies, but if the other server holding a session is lost too, a third one
 *       acting as owner finds no copy (the README's "owner and backup lost at once");
 *   <li>from a machine crash that dropped its disk's last unsynced write until the end of the run
 *       (its copies stay behind until each session is used again, which may be never);
 *   <li>while a partition cuts it off from another server, until recover-time plus socket-timeout
 *       after the heal (the time the others need to learn it is back). A partition cuts every
 *       server off from some other, so it loses them all: without a quorum, each side may act as
 *       owner of the same session (a split brain), which versions alone cannot prevent.
 * </ul>
 * A paused process, and dropped, delayed, duplicated or reordered messages lose no server.
 * Durability (an acknowledged write is readable, an invalidated session stays gone) is promised
 * for a session as long as no two servers were lost at the same moment during its life, nor one
 * after the other without an acknowledged save of the session in between, made once the first was
 * back and its peers could reach it again (recover-time): that save is what puts the session's
 * second copy back (the README: "a session nobody writes while its backup is down has one copy").
 *
 * <p>A restarted server is also <em>unnoticed</em> until its peers can reach it again
 * (recover-time) and have told it what they wrote meanwhile (their next sweep): both it and a
 * peer may act as owner of its sessions. Freshness (a read shows every write acknowledged before
 * it, and no older version than the client saw) is promised only outside those windows.
 */
final class LostNodes {
    private record Interval(int node, long from, long to, boolean lost) {}

    private final List<Interval> intervals = new ArrayList<>();

    void lost(int node, long from, long to) {
        intervals.add(new Interval(node, from, to, true));
    }

    void unnoticed(int node, long from, long to) {
        intervals.add(new Interval(node, from, to, false));
    }

    private final long recoverTime;

    LostNodes(long recoverTime) {
        this.recoverTime = recoverTime;
    }

    /**
     * Whether two different servers were lost within [from, to], at once or one after the other
     * with no save in {@code acks} (acknowledgement times) after the first was back and reachable.
     */
    boolean twoLostWithin(long from, long to, List<Long> acks) {
        for (Interval a : intervals) {
            for (Interval b : intervals) {
                if (!a.lost() || !b.lost() || a.node() == b.node() || b.from() < a.from()) {
                    continue;
                }
                if (overlap(a, b, from, to)) {
                    return true;
                }
                long copiedAgainAfter = a.to() + recoverTime;
                if (b.from() <= to && copiedAgainAfter >= from && acks.stream().noneMatch(t -> t > copiedAgainAfter && t < b.from())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether any server was down, cut off or unnoticed within [from, to] (a lost disk write aside). */
    boolean anyWithin(long from, long to) {
        for (Interval a : intervals) {
            if (a.to() != Long.MAX_VALUE && Math.max(a.from(), from) <= Math.min(a.to(), to)) {
                return true;
            }
        }
        return false;
    }

    private static boolean overlap(Interval a, Interval b, long from, long to) {
        long start = Math.max(Math.max(a.from(), b.from()), from);
        long end = Math.min(Math.min(a.to(), b.to()), to);
        return start <= end;
    }
}
