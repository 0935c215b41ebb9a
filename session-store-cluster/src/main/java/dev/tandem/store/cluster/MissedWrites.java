package dev.tandem.store.cluster;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions this server wrote or removed while a peer holding a copy of them (their owner, or a
 * backup) was out of reach, per peer. A peer that was only cut off, not restarted, still trusts its
 * copies; when it is reachable again it is told which ones changed, and checks those with its peers
 * on their next use. Bounded: past {@link #LIMIT} ids for one peer it is told to check every
 * session instead.
 *
 * <p>Kept on disk as well as in memory (the disk copy's notices, {@link DiskCopy#keepNotices}), and
 * read back when this server starts: a server killed before it could tell the peer must still tell
 * it after its restart. Otherwise the peer, which nothing else makes doubt its copy, serves a
 * session invalidated here, or a version behind, until its copy expires. A notice leaves the disk
 * only once the peer acknowledged it.
 */
final class MissedWrites {
    // The cluster store logs under one name, whichever side of the protocol speaks.
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);
    /** Past this many ids for one peer, it is told to check every session: bounds memory and the disk's notices. */
    static final int LIMIT = 1_000;

    /** What to send one peer; an empty list means "check all". */
    record Batch(List<String> ids) {}

    private final DiskCopy disk;
    private final String prefix;
    /** Not yet sent, by peer. */
    private final Map<String, Set<String>> byPeer = new HashMap<>(); // guarded by this
    private final Set<String> overflowed = new HashSet<>(); // guarded by this
    /** Sent, not yet acknowledged: still on disk. One batch per peer at a time. */
    private final Map<String, Batch> sending = new HashMap<>(); // guarded by this

    /** Reads back what {@code peers} had not been told when this server stopped. */
    MissedWrites(DiskCopy disk, Collection<String> peers, String prefix) {
        this.disk = disk;
        this.prefix = prefix;
        for (String peer : peers) {
            DiskCopy.Notices saved;
            try {
                saved = disk.notices(peer);
            } catch (RuntimeException e) {
                LOG.warn("{}cannot read which sessions server {} missed before this server stopped ({}); it will "
                        + "trust its copies of them until they are used here again", prefix, peer, e.toString());
                continue;
            }
            if (saved.isEmpty()) {
                continue;
            }
            if (saved.all()) {
                overflowed.add(peer);
            } else {
                byPeer.put(peer, new LinkedHashSet<>(new TreeSet<>(saved.ids())));
            }
            LOG.info("{}server {} has not been told of {} sessions written or removed here while it was out of "
                    + "reach; it is told when it is reachable", prefix, peer,
                    saved.all() ? "many" : String.valueOf(saved.ids().size()));
        }
    }

    synchronized void add(String peer, String id) {
        if (overflowed.contains(peer)) {
            return;
        }
        Set<String> ids = byPeer.computeIfAbsent(peer, p -> new LinkedHashSet<>());
        if (!ids.add(id)) {
            return;
        }
        if (ids.size() > LIMIT) {
            byPeer.remove(peer);
            overflowed.add(peer);
            // The ids on disk stay until "check all" is acknowledged, which covers them.
            keep(peer, Set.of(), true);
            return;
        }
        keep(peer, Set.of(id), false);
    }
    /** Whether anything waits to be sent to {@code peer}. */
    synchronized boolean has(String peer) {
        return byPeer.containsKey(peer) || overflowed.contains(peer);
    }

    /**
     * What is pending for {@code peer}, to send now; null if nothing is, or if a batch sent before
     * is not answered yet. Answer with {@link #delivered} or {@link #putBack}.
     */
    synchronized Batch take(String peer) {
        if (sending.containsKey(peer)) {
            return null;
        }
        Batch batch;
        if (overflowed.remove(peer)) {
            byPeer.remove(peer);
            batch = new Batch(List.of());
        } else {
            Set<String> ids = byPeer.remove(peer);
            if (ids == null) {
                return null;
            }
            batch = new Batch(List.copyOf(ids));
        }
        sending.put(peer, batch);
        return batch;
    }

    /** {@code peer} acknowledged {@code batch}: it leaves the disk, but for ids written again since. */
    synchronized void delivered(String peer, Batch batch) {
        sending.remove(peer);
        boolean all = batch.ids().isEmpty();
        if (all && overflowed.contains(peer)) {
            return; // too many again since
        }
        // "Check all" covers every id recorded before it, some of which may still be on disk.
        Set<String> done = all ? recorded(peer) : new HashSet<>(batch.ids());
        done.removeAll(byPeer.getOrDefault(peer, Set.of()));
        if (all || !done.isEmpty()) {
            drop(peer, done, all);
        }
    }

    /** Puts back a batch that could not be delivered; the disk still holds it. */
    synchronized void putBack(String peer, Batch batch) {
        sending.remove(peer);
        if (batch.ids().isEmpty()) {
            byPeer.remove(peer);
            overflowed.add(peer);
            return;
        }
        if (overflowed.contains(peer)) {
            return;
        }
        Set<String> ids = byPeer.computeIfAbsent(peer, p -> new LinkedHashSet<>());
        ids.addAll(batch.ids());
        if (ids.size() > LIMIT) {
            byPeer.remove(peer);
            overflowed.add(peer);
            keep(peer, Set.of(), true); // the ids stay until this is acknowledged
        }
    }

    /** The ids in {@code peer}'s notices on disk. */
    private Set<String> recorded(String peer) {
        try {
            return new HashSet<>(disk.notices(peer).ids());
        } catch (RuntimeException e) {
            return new HashSet<>(); // unreadable: what it holds is re-sent after a restart, harmlessly
        }
    }

    /**
     * Adds to {@code peer}'s notices on disk. A write that fails keeps the notice in memory alone:
     * the peer is still told, unless this server stops first.
     */
    private void keep(String peer, Set<String> ids, boolean all) {
        try {
            disk.keepNotices(peer, ids, all);
        } catch (RuntimeException e) {
            LOG.warn("{}cannot record on disk which sessions server {} missed ({}); it is told from memory, so a "
                    + "restart of this server before then would leave it trusting its old copies", prefix, peer,
                    e.toString());
        }
    }

    /** Takes what {@code peer} acknowledged from its notices on disk; a write that fails re-sends them after a restart. */
    private void drop(String peer, Set<String> ids, boolean all) {
        try {
            disk.dropNotices(peer, ids, all);
        } catch (RuntimeException e) {
            LOG.warn("{}cannot record on disk that server {} was told what it missed ({}); it is told again after a "
                    + "restart of this server, harmlessly", prefix, peer, e.toString());
        }
    }
}
