package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoredSession;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
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
 * <p>Kept on disk as well as in memory (one record per peer in the disk copy's notices store), and
 * read back when this server starts: a server killed before it could tell the peer must still tell
 * it after its restart. Otherwise the peer, which nothing else makes doubt its copy, serves a
 * session invalidated here, or a version behind, until its copy expires. A notice leaves the disk
 * only once the peer acknowledged it.
 */
final class MissedWrites {
    // The cluster store logs under one name, whichever side of the protocol speaks.
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);
    /** Each new id rewrites the peer's record on disk: small enough to keep that cheap. */
    static final int LIMIT = 1_000;
    /** The disk record's mark for "check every session"; starts with NUL, as no session id does. */
    static final String ALL = "\u0000all";
    private static final byte[] NOTHING = new byte[0];
    /** A record that holds notices never expires; an emptied one goes at the next sweep. */
    private static final int KEEP = 0;
    private static final int DROP_SOON = 1;

    /** What to send one peer; an empty list means "check all". */
    record Batch(List<String> ids) {}

    private final SessionStore disk;
    private final Clock clock;
    private final String prefix;
    /** Not yet sent, by peer. */
    private final Map<String, Set<String>> byPeer = new HashMap<>(); // guarded by this
    private final Set<String> overflowed = new HashSet<>(); // guarded by this
    /** Sent, not yet acknowledged: still on disk. One batch per peer at a time. */
    private final Map<String, Batch> sending = new HashMap<>(); // guarded by this

    /** Reads back what {@code peers} had not been told when this server stopped. */
    MissedWrites(SessionStore disk, Clock clock, Collection<String> peers, String prefix) {
        this.disk = disk;
        this.clock = clock;
        this.prefix = prefix;
        for (String peer : peers) {
            StoredSession saved;
            try {
                saved = disk.load(recordId(peer));
            } catch (RuntimeException e) {
                LOG.warn("{}cannot read which sessions server {} missed before this server stopped ({}); it will "
                        + "trust its copies of them until they are used here again", prefix, peer, e.toString());
                continue;
            }
            if (saved == null || saved.attributes().isEmpty()) {
                continue;
            }
            if (saved.attributes().containsKey(ALL)) {
                overflowed.add(peer);
            } else {
                byPeer.put(peer, new LinkedHashSet<>(new TreeSet<>(saved.attributes().keySet())));
            }
            LOG.info("{}server {} has not been told of {} sessions written or removed here while it was out of "
                    + "reach; it is told when it is reachable", prefix, peer,
                    overflowed.contains(peer) ? "many" : String.valueOf(saved.attributes().size()));
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
            write(peer, Map.of(ALL, NOTHING), ids, KEEP);
            return;
        }
        write(peer, Map.of(id, NOTHING), Set.of(), KEEP);
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
        boolean empty = !has(peer);
        if (batch.ids().isEmpty() && overflowed.contains(peer)) {
            return; // too many again since
        }
        // "Check all" covers every id recorded before it, some of which may still be on disk.
        Set<String> done = batch.ids().isEmpty() ? recorded(peer) : new HashSet<>(batch.ids());
        done.removeAll(byPeer.getOrDefault(peer, Set.of()));
        write(peer, Map.of(), done, empty ? DROP_SOON : KEEP);
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
            write(peer, Map.of(ALL, NOTHING), Set.of(), KEEP); // the ids stay until this is acknowledged
        }
    }

    /** The names in {@code peer}'s record on disk, {@link #ALL} included. */
    private Set<String> recorded(String peer) {
        try {
            StoredSession saved = disk.load(recordId(peer));
            return saved == null ? new HashSet<>() : new HashSet<>(saved.attributes().keySet());
        } catch (RuntimeException e) {
            return new HashSet<>(Set.of(ALL)); // unreadable: what it holds is re-sent after a restart, harmlessly
        }
    }

    /**
     * Applies a delta to {@code peer}'s record. A write that fails keeps the notice in memory alone:
     * the peer is still told, unless this server stops first.
     */
    private void write(String peer, Map<String, byte[]> added, Set<String> removed, int maxInactiveInterval) {
        long now = clock.millis();
        try {
            disk.save(new SessionChange(recordId(peer), now, now, maxInactiveInterval, added, removed));
        } catch (RuntimeException e) {
            LOG.warn("{}cannot record on disk which sessions server {} missed ({}); it is told from memory, so a "
                    + "restart of this server before then would leave it trusting its old copies", prefix, peer,
                    e.toString());
        }
    }

    /** A well-formed session id of the record for {@code peer}, the same on every start. */
    static String recordId(String peer) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("missed-writes:" + peer).getBytes(UTF_8));
            return "aa" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every Java runtime must provide", e);
        }
    }
}
