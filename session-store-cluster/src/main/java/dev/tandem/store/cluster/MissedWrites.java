package dev.tandem.store.cluster;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sessions this server wrote or removed while their owner (or another copy holder) was out of
 * reach, per peer. A peer that was only cut off, not restarted, still trusts its copies; when it is
 * reachable again it is told which ones changed, and checks those with its peers on their next use.
 * Bounded: past {@link #LIMIT} ids for one peer it is told to check every session instead.
 */
final class MissedWrites {
    static final int LIMIT = 10_000;

    /** What to send one peer; an empty list means "check all". */
    record Batch(List<String> ids) {}

    private final Map<String, Set<String>> byPeer = new HashMap<>(); // guarded by this
    private final Set<String> overflowed = new java.util.HashSet<>(); // guarded by this

    synchronized void add(String peer, String id) {
        if (overflowed.contains(peer)) {
            return;
        }
        Set<String> ids = byPeer.computeIfAbsent(peer, p -> new LinkedHashSet<>());
        ids.add(id);
        if (ids.size() > LIMIT) {
            byPeer.remove(peer);
            overflowed.add(peer);
        }
    }

    synchronized boolean has(String peer) {
        return byPeer.containsKey(peer) || overflowed.contains(peer);
    }

    /** Removes and returns what is pending for {@code peer}, or null if nothing is. */
    synchronized Batch take(String peer) {
        if (overflowed.remove(peer)) {
            byPeer.remove(peer);
            return new Batch(List.of());
        }
        Set<String> ids = byPeer.remove(peer);
        return ids == null ? null : new Batch(List.copyOf(ids));
    }

    /** Puts back a batch that could not be delivered. */
    synchronized void putBack(String peer, Batch batch) {
        if (batch.ids().isEmpty()) {
            byPeer.remove(peer);
            overflowed.add(peer);
            return;
        }
        batch.ids().forEach(id -> add(peer, id));
    }
}
