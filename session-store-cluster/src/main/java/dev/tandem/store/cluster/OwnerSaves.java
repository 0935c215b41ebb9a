package dev.tandem.store.cluster;

import static dev.tandem.session.spi.SessionStoreException.shorten;
import static dev.tandem.store.cluster.ClusterNode.cause;

import dev.tandem.cluster.ClusterException;
import dev.tandem.cluster.ClusterMember;
import dev.tandem.cluster.ClusterTransport;
import dev.tandem.cluster.PeerTimeoutException;
import dev.tandem.cluster.PeerUnavailableException;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStoreException;
import dev.tandem.session.spi.StoredSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's side of the cluster protocol: this server acts as owner of a session (its owner, or
 * the first live server of its ring), saves to its disk copy and backs each save up on the next live
 * server. Before it answers it makes its copy the newest in the cluster ({@link #recover}); a save
 * whose base turns out stale is applied again on top of the newest copy.
 */
final class OwnerSaves {
    // The cluster store logs under one name, whichever side of the protocol speaks.
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);

    /** How often a save whose base turned out stale is applied again on top of the newest copy. */
    private static final int REBASES = 3;
    private static final long NO_BACKUP_WARNING_INTERVAL_MILLIS = 60_000;
    /** Marks a version check or copy request that timed out, apart from a peer that is down. */
    private static final byte[] UNANSWERED = new byte[0];

    private final ClusterNode node;
    private final String webApp;
    private final ClusterTransport transport;
    private final ClusterMember self;
    private final DiskCopy copy;
    private final String prefix;
    private final Set<String> current;
    private final MissedWrites missed;
    private final Clock clock;
    private final BackupMode backupMode;
    private final Executor executor;
    private volatile long lastNoBackupWarning = Long.MIN_VALUE;

    OwnerSaves(ClusterNode node, Clock clock, BackupMode backupMode, Executor executor) {
        this.node = node;
        this.webApp = node.webApp;
        this.transport = node.transport;
        this.self = node.self;
        this.copy = node.copy;
        this.prefix = node.prefix;
        this.current = node.current;
        this.missed = node.missed;
        this.clock = clock;
        this.backupMode = backupMode;
        this.executor = executor;
    }

    /** Answers LOAD, OWNER_VERSION or LOAD_IF_CHANGED ({@code knownVersion}: what the asker holds). */
    CompletableFuture<byte[]> answerAsOwner(int type, String id, long knownVersion) {
        // recover() completes at once when the copy is known current, else on the executor: no hop needed.
        return recover(id).thenApply(done -> {
            if (type == MessageType.OWNER_VERSION) {
                return WireFormat.reply(Reply.OK, copy.version(id));
            }
            if (type == MessageType.LOAD_IF_CHANGED && copy.version(id) == knownVersion) {
                return WireFormat.reply(Reply.UNCHANGED);
            }
            StoredSession s = copy.read(id);
            return s == null ? WireFormat.reply(Reply.NONE) : WireFormat.reply(Reply.OK, WireFormat.record(s));
        });
    }

    CompletableFuture<Long> saveAsOwner(SessionChange change, int attempt) {
        String id = change.id();
        return recover(id).thenCompose(done -> {
            List<ClusterMember> ring = Ring.of(id, transport.topology());
            // With a synchronous backup, the record says which of its versions were acknowledged (recover uses it).
            boolean tracked = backupMode == BackupMode.SYNC && ring.size() > 1;
            long base;
            long version;
            synchronized (node.lock(id)) {
                base = copy.version(id);
                version = base + 1;
                copy.apply(change, version, tracked ? confirmedVersion(id) : version);
                node.backupStarted(id);
            }
            if (!ring.get(0).equals(self)) {
                missed.add(ring.get(0).name(), id); // acting for an owner out of reach: tell it when it is back
            }
            CompletableFuture<Boolean> backedUp;
            try {
                backedUp = backUp(change, base, version, Ring.after(ring, self), 0, false, false);
            } catch (RuntimeException e) {
                node.backupEnded(id);
                throw e;
            }
            backedUp.whenComplete((stale, e) -> node.backupEnded(id));
            if (backupMode == BackupMode.ASYNC) {
                backedUp.whenComplete((stale, e) -> {
                    if (e != null) {
                        LOG.warn("{}background backup of session {} failed: {}", prefix, shorten(id), cause(e).toString());
                    } else if (stale) {
                        current.remove(id);
                    }
                });
                return CompletableFuture.completedFuture(version);
            }
            return backedUp.thenCompose(stale -> {
                if (!stale || attempt == REBASES) {
                    return CompletableFuture.completedFuture(version);
                }
                // A peer holds a newer copy than ours: take it and apply the delta on top, so neither write is lost.
                LOG.info("{}session {} had a newer copy on a peer than version {}; applying the save on top of it",
                        prefix, shorten(id), base);
                current.remove(id);
                return saveAsOwner(change, attempt + 1);
            });
        });
    }

    /**
     * Backs a save up on the first live server of {@code targets} from {@code at} on.
     *
     * @param unanswered whether a server skipped so far may be up and may not hold the save
     * @param again whether this is the second request to {@code targets.get(at)}, its connection having broken
     * @return true if that server holds a newer copy than this one (this server's copy was stale)
     */
    private CompletableFuture<Boolean> backUp(SessionChange change, long base, long version, List<ClusterMember> targets,
            int at, boolean unanswered, boolean again) {
        String id = change.id();
        if (at == targets.size()) {
            if (targets.size() > 0) {
                node.backedUp.noBackup(id); // copied by BackupRepair once a peer is up
            }
            if (unanswered) {
                // A server that may be up did not answer: acknowledging would promise a second copy we may not have.
                return CompletableFuture.failedFuture(new SessionStoreException(ClusterSessions.STORE, id, "no backup "
                        + "acknowledged version " + version + " (a backup that may be up did not answer within "
                        + "socket-timeout, or its connection broke twice); it is on this server's disk copy and may "
                        + "or may not be on a backup; try again", null));
            }
            warnNoBackup(id);
            node.confirmed(id, version);
            synchronized (node.lock(id)) {
                copy.confirm(id, version); // acknowledged with this disk's copy alone: not a save to discard
            }
            return CompletableFuture.completedFuture(false);
        }
        ClusterMember target = targets.get(at);
        if (!transport.isUp(target)) {
            missed.add(target.name(), id); // it may hold a copy it must not trust once it is back
            return backUp(change, base, version, targets, at + 1, unanswered, false);
        }
        return transport.request(target, webApp, MessageType.REPLICATE, WireFormat.replica(change, base, version))
                .handle((reply, e) -> {
                    if (e == null && WireFormat.status(reply) == Reply.OK) {
                        // The common answer, taken on the thread that read it: no hand-off before the caller wakes.
                        return CompletableFuture.completedFuture(backedUpOn(id, target, version));
                    }
                    // Anything else may read the disk copy or ask peers: on the store's own threads.
                    return CompletableFuture.supplyAsync(() -> afterBackUp(change, base, version, targets, at,
                            unanswered, again, target, reply, e), executor).thenCompose(f -> f);
                }).thenCompose(f -> f);
    }

    /** The backup {@code target} answered {@code reply}, or failed with {@code e}: what the save does next. */
    private CompletableFuture<Boolean> afterBackUp(SessionChange change, long base, long version,
            List<ClusterMember> targets, int at, boolean unanswered, boolean again, ClusterMember target, byte[] reply,
            Throwable e) {
        String id = change.id();
        if (e != null) {
            Throwable cause = cause(e);
            if (cause instanceof PeerTimeoutException) {
                LOG.warn("{}backup {} did not acknowledge session {} within socket-timeout; trying the next "
                        + "server", prefix, target.name(), shorten(id));
                missed.add(target.name(), id);
                return backUp(change, base, version, targets, at + 1, true, false);
            }
            if (!(cause instanceof ClusterException)) {
                return CompletableFuture.<Boolean>failedFuture(cause);
            }
            // A connection that broke under the request (the backup restarted meanwhile, or another
            // request on it timed out) does not mark the backup down: it may be up now, and skipping
            // it would acknowledge the save with one copy while two servers are up. Ask it again on a
            // fresh connection; if it breaks again, the backup may be up without the save.
            boolean mayBeUp = cause instanceof PeerUnavailableException && transport.isUp(target);
            if (mayBeUp && !again) {
                LOG.debug("{}backup of session {} on {} lost its connection; asking again: {}", prefix,
                        shorten(id), target.name(), cause.getMessage());
                return backUp(change, base, version, targets, at, unanswered, true);
            }
            LOG.debug("{}backup of session {} on {} failed, trying the next server: {}", prefix, shorten(id),
                    target.name(), cause.getMessage());
            missed.add(target.name(), id);
            return backUp(change, base, version, targets, at + 1, unanswered || mayBeUp, false);
        }
        return switch (WireFormat.status(reply)) {
            case NEWER -> CompletableFuture.completedFuture(WireFormat.number(reply) > copy.version(id));
            case CONFLICT -> CompletableFuture.completedFuture(takeConflicting(id, version, reply, target));
            case NEED_FULL -> sendWhole(id, target).thenApply(ignored -> backedUpOn(id, target, version));
            case REMOVED -> removedElsewhere(id);
            default -> CompletableFuture.completedFuture(backedUpOn(id, target, version));
        };
    }

    /**
     * {@code target} holds another write at {@code version}: another server acted as owner at the
     * same time. Takes its copy (still at this version) so that the caller's rebase applies this
     * save on top of it and neither write is lost.
     *
     * @return true: this server's copy was stale
     */
    private boolean takeConflicting(String id, long version, byte[] reply, ClusterMember target) {
        StoredSession theirs = WireFormat.readRecord(WireFormat.body(reply));
        LOG.info("{}session {}: {} holds another write at version {} (both acted as owner); applying this save "
                + "on top of it", prefix, shorten(id), target.name(), version);
        synchronized (node.lock(id)) {
            if (copy.version(id) == version) {
                copy.write(theirs);
                node.changedElsewhere(id);
            }
        }
        return true;
    }

    /** Sends this server's whole copy to {@code target}, which takes it if it is newer than its own. */
    private CompletableFuture<Void> sendWhole(String id, ClusterMember target) {
        StoredSession whole = copy.read(id);
        if (whole == null) {
            return CompletableFuture.completedFuture(null);
        }
        return transport.request(target, webApp, MessageType.REPLICATE_FULL, WireFormat.record(whole))
                .thenComposeAsync(reply -> WireFormat.status(reply) == Reply.REMOVED
                        ? removedElsewhere(id).thenApply(x -> (Void) null)
                        : CompletableFuture.<Void>completedFuture(null), executor);
    }

    /** A peer's tombstone refused the save: the session was invalidated, so it goes here too. */
    private CompletableFuture<Boolean> removedElsewhere(String id) {
        copy.remove(id);
        node.changedElsewhere(id);
        return CompletableFuture.failedFuture(new SessionRemovedException(ClusterSessions.STORE, id));
    }

    /**
     * Makes this server's copy the newest in the cluster, once per session since it started (or since
     * it learned its copy was stale): asks every live peer for its version and takes the newest
     * copy; a peer where it was invalidated wins over any version, and a peer's older copy wins over
     * this server's saves that no backup acknowledged ({@link DiskCopy#confirmedVersion}). Cheap for
     * the sticky case: a session checked once is read locally afterwards.
     */
    private CompletableFuture<Void> recover(String id) {
        if (current.contains(id)) {
            return CompletableFuture.completedFuture(null);
        }
        List<ClusterMember> ring = Ring.of(id, transport.topology());
        Map<ClusterMember, CompletableFuture<byte[]>> asked = new LinkedHashMap<>();
        for (ClusterMember m : ring) {
            if (!m.equals(self) && transport.isUp(m)) {
                asked.put(m, transport.request(m, webApp, MessageType.VERSION, WireFormat.id(id)));
            }
        }
        // A peer that is down holds nothing to take; one that did not answer in time may hold a newer copy.
        asked.replaceAll((m, f) -> f.handle((reply, e) -> e == null ? reply
                : cause(e) instanceof PeerTimeoutException ? UNANSWERED : null));
        CompletableFuture<?>[] all = asked.values().toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).thenComposeAsync(done -> {
            long local = copy.version(id);
            long best = local;
            ClusterMember newest = null;
            long behind = 0;
            ClusterMember newestBehind = null;
            List<ClusterMember> sameVersion = new ArrayList<>();
            boolean unanswered = false;
            for (Map.Entry<ClusterMember, CompletableFuture<byte[]>> a : asked.entrySet()) {
                byte[] reply = a.getValue().join(); // already complete
                if (reply == UNANSWERED) {
                    unanswered = true;
                    continue;
                }
                if (reply == null) {
                    continue;
                }
                if (WireFormat.status(reply) == Reply.REMOVED) {
                    // Invalidated while this server was away: the removal wins over any copy.
                    if (!copy.isRemoved(id)) {
                        copy.remove(id);
                        node.changedElsewhere(id);
                        LOG.info("{}session {} was invalidated on {} while this server's copy was out of reach; "
                                + "removed it here too", prefix, shorten(id), a.getKey().name());
                    }
                    current.add(id);
                    return CompletableFuture.<Void>completedFuture(null);
                }
                long theirs = WireFormat.number(reply);
                if (theirs > best) {
                    best = theirs;
                    newest = a.getKey();
                }
                if (theirs == local && local > 0) {
                    sameVersion.add(a.getKey());
                }
                if (theirs < local && theirs > behind) {
                    behind = theirs;
                    newestBehind = a.getKey();
                }
            }
            if (newest == null && !sameVersion.isEmpty()) {
                return settleSameVersion(id, local, sameVersion, ring);
            }
            if (newest == null && unanswered) {
                // Serving this copy could go back a version, or answer "no session" for one a peer holds.
                return CompletableFuture.<Void>failedFuture(new SessionStoreException(ClusterSessions.STORE, id, "a peer "
                        + "did not answer the version check within socket-timeout and may hold a newer copy than "
                        + "version " + local + " here; try again", null));
            }
            if (newest == null && newestBehind != null && unacknowledgedUpTo(id, behind)) {
                // A peer holds a version this server never saw acknowledged, below its own: every save
                // acknowledged with a backup is on a peer, so this server's versions above the peer's never
                // were (it died before its backup answered), while the peer, acting as owner, may have
                // acknowledged writes on the older version. The peer's copy wins.
                return fetch(id, newestBehind, local, ring, true);
            }
            if (newest == null) {
                becameCurrent(id, ring);
                return CompletableFuture.<Void>completedFuture(null);
            }
            return fetch(id, newest, local, ring, false);
        }, executor);
    }

    /** The highest version of {@code id} known acknowledged, by this process or by the record on disk. */
    private long confirmedVersion(String id) {
        long known = node.confirmedVersion(id);
        // The record's mark never exceeds its version: then the disk has nothing higher to say, and
        // the common save (its previous version acknowledged in this process) reads no record.
        return known >= copy.version(id) ? known : Math.max(known, copy.confirmedVersion(id));
    }

    /**
     * Whether this server's copy holds saves of its own, up to {@code version} at least, that it never
     * saw acknowledged, and none of them still waits for its backup.
     */
    private boolean unacknowledgedUpTo(String id, long version) {
        return version > confirmedVersion(id) && !node.backingUp(id);
    }

    /**
     * Peers hold the session at this server's version. Normally one of them (the backup) holds the
     * same record. If none does, this server's record is a save that never reached a backup, so it
     * was never acknowledged (the owner died between its disk write and the backup's answer), while
     * a peer acted as owner and wrote another record at the same version, which was: the peer's wins.
     * If none does but one did not send its copy in time, which record was acknowledged is unknown:
     * the request fails, and the next one checks again.
     */
    private CompletableFuture<Void> settleSameVersion(String id, long local, List<ClusterMember> peers,
            List<ClusterMember> ring) {
        List<CompletableFuture<byte[]>> copies = new ArrayList<>();
        for (ClusterMember peer : peers) {
            copies.add(transport.request(peer, webApp, MessageType.READ_COPY, WireFormat.id(id))
                    .handle((reply, e) -> e == null ? reply : cause(e) instanceof PeerTimeoutException ? UNANSWERED : null));
        }
        return CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).thenApplyAsync(done -> {
            StoredSession mine = copy.read(id);
            StoredSession other = null;
            boolean unanswered = false;
            for (CompletableFuture<byte[]> c : copies) {
                byte[] reply = c.join(); // already complete
                if (reply == UNANSWERED) {
                    unanswered = true;
                    continue;
                }
                if (reply == null || WireFormat.status(reply) != Reply.OK) {
                    continue;
                }
                StoredSession theirs = WireFormat.readRecord(WireFormat.body(reply));
                if (mine == null || sameAttributes(mine, theirs)) {
                    becameCurrent(id, ring);
                    return null;
                }
                if (other == null && theirs.version() == local) {
                    other = theirs;
                }
            }
            if (unanswered) {
                // The peer that did not answer may hold this server's record (then it was acknowledged) or
                // another one (then this one never was): either choice could lose an acknowledged write.
                throw new CompletionException(new SessionStoreException(ClusterSessions.STORE, id, "a peer holding "
                        + "version " + local + " did not send its copy within socket-timeout, so which record of that "
                        + "version was acknowledged is unknown; try again", null));
            }
            if (other != null) {
                synchronized (node.lock(id)) {
                    if (copy.version(id) == local) {
                        copy.write(other);
                        node.changedElsewhere(id);
                    }
                }
                LOG.info("{}session {}: no peer holds this server's version {}, another server wrote that version "
                        + "while this one was away; took its copy", prefix, shorten(id), local);
            }
            becameCurrent(id, ring);
            return null;
        }, executor);
    }

    private static boolean sameAttributes(StoredSession a, StoredSession b) {
        if (!a.attributes().keySet().equals(b.attributes().keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.attributes().entrySet()) {
            if (!Arrays.equals(e.getValue(), b.attributes().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes {@code from}'s copy: a newer one, or with {@code overUnacknowledged} an older one that
     * replaces this server's saves that were never acknowledged ({@link #unacknowledgedUpTo}).
     */
    private CompletableFuture<Void> fetch(String id, ClusterMember from, long local, List<ClusterMember> ring,
            boolean overUnacknowledged) {
        return transport.request(from, webApp, MessageType.READ_COPY, WireFormat.id(id)).handleAsync((reply, e) -> {
            if (e != null) {
                // Serving this server's copy would show the client a version behind one it saw (or writes never
                // acknowledged), and a save on it would fork the session: the request fails, the next one tries again.
                String holds = overUnacknowledged ? "the acknowledged copy of" : "a newer version than";
                throw new CompletionException(new SessionStoreException(ClusterSessions.STORE, id, "server "
                        + from.name() + " holds " + holds + " this server's version " + local + " but did not send it ("
                        + cause(e).getMessage() + "); try the request again", cause(e)));
            }
            if (WireFormat.status(reply) == Reply.OK) {
                StoredSession theirs = WireFormat.readRecord(WireFormat.body(reply));
                try {
                    synchronized (node.lock(id)) {
                        boolean take = theirs.version() > copy.version(id) || overUnacknowledged
                                && copy.version(id) == local && unacknowledgedUpTo(id, theirs.version());
                        if (take) {
                            copy.write(theirs);
                            node.changedElsewhere(id);
                        }
                    }
                } catch (SessionRemovedException removed) {
                    return null; // invalidated here: the tombstone wins over any copy
                }
                LOG.info("{}session {}: took version {} from {} over this server's {}version {}", prefix, shorten(id),
                        theirs.version(), from.name(), overUnacknowledged ? "unacknowledged " : "", local);
            }
            becameCurrent(id, ring);
            return null;
        }, executor);
    }

    private void becameCurrent(String id, List<ClusterMember> ring) {
        current.add(id);
        if (!ring.get(0).equals(self) && copy.version(id) > 0) {
            // Acting for a down owner: put a second copy on the next live server now, not at the next save.
            sendWholeToFirstLive(id, Ring.after(ring, self), 0);
        }
    }

    private void sendWholeToFirstLive(String id, List<ClusterMember> targets, int at) {
        if (at == targets.size()) {
            return;
        }
        ClusterMember target = targets.get(at);
        if (!transport.isUp(target)) {
            sendWholeToFirstLive(id, targets, at + 1);
            return;
        }
        long version = copy.version(id); // sent at this version or a later one
        sendWhole(id, target).whenComplete((r, e) -> {
            if (e == null) {
                backedUpOn(id, target, version);
            } else if (cause(e) instanceof ClusterException) {
                sendWholeToFirstLive(id, targets, at + 1);
            }
        });
    }

    /**
     * Records where the second copy is, for {@link BackupRepair}, and that {@code version} is acknowledged;
     * false: this server's copy was not stale.
     */
    private boolean backedUpOn(String id, ClusterMember target, long version) {
        node.backedUp.backedUp(id, target);
        node.confirmed(id, version);
        return false;
    }

    private void warnNoBackup(String id) {
        long now = clock.millis();
        if (transport.topology().size() > 1 && now - lastNoBackupWarning > NO_BACKUP_WARNING_INTERVAL_MILLIS) {
            lastNoBackupWarning = now;
            LOG.warn("{}no live server to back up session {} on; it is on this server's disk copy only until a "
                    + "peer is back (logged once a minute)", prefix, shorten(id));
        }
    }
}
