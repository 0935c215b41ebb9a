package dev.tandem.store.file;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster's missed-writes notices as the log's notices records leave them ({@link CopyLog}):
 * per peer, the sessions it has not been told of and whether it must check every session. A keep
 * adds to a peer's notices, a drop takes from them, a replace (written by compaction) is all of
 * them; the later record wins, as for sessions (invariant 2). Writers append and apply under this
 * object's monitor, so the log holds the records in the order they were applied here.
 */
final class NoticeIndex {
    private final Map<String, Set<String>> ids = new TreeMap<>();
    private final Set<String> all = new HashSet<>();

    /** A checked notices record, in log order. */
    synchronized void apply(ByteBuffer in, int at) {
        try {
            apply(LogRecord.peer(in, at), LogRecord.version(in, at), LogRecord.all(in, at),
                    LogRecord.noticeIds(in, at));
        } catch (CorruptFileException e) {
            throw new IllegalStateException("a checked notices record parses: " + e.getMessage(), e);
        }
    }

    synchronized void apply(String peer, long op, boolean checkAll, Collection<String> changed) {
        Set<String> kept = ids.computeIfAbsent(peer, p -> new TreeSet<>());
        if (op == LogRecord.REPLACE) {
            kept.clear();
            all.remove(peer);
        }
        if (op == LogRecord.DROP) {
            kept.removeAll(changed);
            if (checkAll) {
                all.remove(peer);
            }
        } else {
            kept.addAll(changed);
            if (checkAll) {
                all.add(peer);
            }
        }
        if (kept.isEmpty()) {
            ids.remove(peer);
        }
    }

    synchronized CopyLog.Notices get(String peer) {
        return new CopyLog.Notices(Set.copyOf(ids.getOrDefault(peer, Set.of())), all.contains(peer));
    }

    /** Peers with notices. */
    synchronized Set<String> peers() {
        Set<String> peers = new TreeSet<>(ids.keySet());
        peers.addAll(all);
        return peers;
    }
}
