package dev.tandem.store.cluster;

import static dev.tandem.session.spi.SessionStoreException.shorten;

import dev.tandem.cluster.ClusterException;
import dev.tandem.cluster.ClusterMember;
import dev.tandem.cluster.ClusterTransport;
import dev.tandem.cluster.PeerTimeoutException;
import dev.tandem.cluster.RemoteRequestException;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionChangeListener;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreException;
import dev.tandem.session.spi.StoredSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster protocol, after Resin's: each session has an owner and a backup named by its id; the
 * owner keeps it in its disk copy and backs every save up on the backup; any server can serve any
 * request by walking the session's {@link Ring} to the first live server, which acts as owner.
 * Versions decide: the newest copy wins, and a server that may have missed writes (it just started,
 * or a backup told it its copy was behind) takes the newest copy from its peers before it answers.
 *
 * <p>It reaches the outside only through its constructor's arguments (transport, disk copy, clock,
 * randomness, an executor for the owner's side of peer requests), so that a simulator can run it
 * under a seeded schedule. It never holds a lock while it waits on the network.
 *
 * <p>Whenever this server's copy changes other than by a request served here (a backup write, a
 * store from a non-owner, a removal, a missed-writes notice, a newer copy taken from a peer), it
 * tells core through the {@link SessionChangeListener}, so core drops the copy it cached while it
 * served the session (say during a failover) instead of serving it after the next failover.
 */
final class ClusterSessions implements SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);
    static final String STORE = "cluster";

    /** How often a save whose base turned out stale is applied again on top of the newest copy. */
    private static final int REBASES = 3;
    /** Sessions known to be current here; beyond it the oldest are checked with peers again. */
    private static final int CURRENT_LIMIT = 100_000;
    private static final long NO_BACKUP_WARNING_INTERVAL_MILLIS = 60_000;

    private final String webApp;
    private final ClusterTransport transport;
    private final ClusterMember self;
    private final VersionedCopy copy;
    private final Clock clock;
    private final RandomGenerator random;
    private final BackupMode backupMode;
    private final Executor executor;
    private final Runnable onClose;
    private final SessionChangeListener changes;
    private final String prefix;
    private final Object[] locks = new Object[64];
    /** Ids whose copy here is the newest the cluster has, as far as this server saw since it started. */
    private final Set<String> current = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<String, Boolean>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > CURRENT_LIMIT;
                }
            }));
    private volatile long lastNoBackupWarning = Long.MIN_VALUE;
    /** Sessions written here while their owner was out of reach, by owner: it must not trust its copy. */
    private final MissedWrites missed = new MissedWrites();

    ClusterSessions(String webApp, ClusterTransport transport, VersionedCopy copy, Clock clock, RandomGenerator random,
            BackupMode backupMode, Executor executor, SessionChangeListener changes, Runnable onClose) {
        this.webApp = webApp;
        this.transport = transport;
        this.self = transport.self();
        this.copy = copy;
        this.clock = clock;
        this.random = random;
        this.backupMode = backupMode;
        this.executor = executor;
        this.onClose = onClose;
        this.changes = changes;
        this.prefix = "cluster " + self.name() + " " + webApp + ": ";
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        transport.register(webApp, this::handle);
    }

    // ---- the SessionStore side: this server serves a request. These methods wait; the *Async ones do not.

    @Override
    public StoredSession load(String id) {
        return await(loadAsync(SessionId.requireWellFormed(id)));
    }

    /** The acting owner's version; on the owner it reads the local disk copy, elsewhere it asks the owner. */
    @Override
    public long version(String id) {
        return await(versionAsync(SessionId.requireWellFormed(id)));
    }

    @Override
    public long save(SessionChange change) {
        SessionId.requireWellFormed(change.id());
        if (change.changed().containsKey(VersionedCopy.VERSION_ATTRIBUTE)) {
            throw new IllegalArgumentException("attribute names starting with NUL are reserved by the cluster store");
        }
        return await(saveAsync(change));
    }

    /** Local, then to the session's other copies in the background: an access changes no attribute. */
    @Override
    public void touch(String id, long lastAccessedTime) {
        SessionId.requireWellFormed(id);
        copy.touch(id, lastAccessedTime);
        int sent = 0;
        for (ClusterMember m : Ring.of(id, transport.topology())) {
            if (sent == 2) {
                break;
            }
            if (m.equals(self) || !transport.isUp(m)) {
                continue;
            }
            sent++;
            transport.request(m, webApp, MessageType.TOUCH, WireFormat.touch(id, lastAccessedTime))
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            LOG.debug("{}touch of session {} on {} failed: {}", prefix, shorten(id), m.name(), e.toString());
                        }
                    });
        }
    }

    /** Deletes the session on every live server, so that no copy can bring it back. */
    @Override
    public void remove(String id) {
        await(removeAsync(SessionId.requireWellFormed(id)));
    }

    /**
     * Sweeps this server's copies. Reports only the sessions this server acts as owner for, so listeners
     * fire once in the cluster, and deletes their other copies.
     */
    @Override
    public List<String> sweepExpired(long now) {
        // Core calls this periodically on every server: the moment to tell returning peers what they missed.
        for (ClusterMember m : transport.topology().members()) {
            if (!m.equals(self) && transport.isUp(m)) {
                deliverMissed(m);
            }
        }
        List<String> swept = copy.sweepExpired(now);
        List<String> owned = new ArrayList<>();
        List<CompletableFuture<Void>> removals = new ArrayList<>();
        for (String id : swept) {
            if (actingOwner(id).equals(self)) {
                // The acting owner's clock decides expiry: the other copies go too, so none comes back.
                owned.add(id);
                removals.add(removeElsewhere(id));
            } else {
                current.remove(id);
            }
        }
        await(CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)));
        return owned;
    }

    /** This server as owner and a live peer, chosen at random, as backup; this server twice if none is up. */
    @Override
    public String newSessionIdPrefix() {
        List<ClusterMember> peers = new ArrayList<>();
        for (ClusterMember m : transport.topology().members()) {
            if (!m.equals(self) && transport.isUp(m)) {
                peers.add(m);
            }
        }
        ClusterMember backup = peers.isEmpty() ? self : peers.get(random.nextInt(peers.size()));
        return "" + self.indexChar() + backup.indexChar();
    }

    @Override
    public void close() {
        try {
            transport.unregister(webApp);
        } finally {
            try {
                copy.close();
            } finally {
                onClose.run();
            }
        }
    }

    // ---- the same operations as futures, for callers that must not block (a simulator's event loop)

    CompletableFuture<StoredSession> loadAsync(String id) {
        return fromActingOwner(id, MessageType.LOAD).thenApply(
                reply -> WireFormat.status(reply) == Reply.NONE ? null : WireFormat.readRecord(WireFormat.body(reply)));
    }

    CompletableFuture<Long> versionAsync(String id) {
        return fromActingOwner(id, MessageType.OWNER_VERSION).thenApply(WireFormat::number);
    }

    CompletableFuture<Long> saveAsync(SessionChange change) {
        return storeVia(change, Ring.of(change.id(), transport.topology()), 0);
    }

    CompletableFuture<Void> removeAsync(String id) {
        copy.remove(id);
        current.remove(id);
        return removeElsewhere(id);
    }

    /** Walks the ring to the first live server and asks it, answering locally when that is this server. */
    private CompletableFuture<byte[]> fromActingOwner(String id, int type) {
        return askFrom(id, type, Ring.of(id, transport.topology()), 0);
    }

    private CompletableFuture<byte[]> askFrom(String id, int type, List<ClusterMember> ring, int at) {
        if (at == ring.size()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the ring of " + shorten(id)
                    + " does not contain this server"));
        }
        ClusterMember m = ring.get(at);
        if (m.equals(self)) {
            return answerAsOwner(type, id);
        }
        if (!transport.isUp(m)) {
            return askFrom(id, type, ring, at + 1);
        }
        return transport.request(m, webApp, type, WireFormat.id(id)).handle((reply, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(reply);
            }
            if (!(cause(e) instanceof ClusterException)) {
                return CompletableFuture.<byte[]>failedFuture(cause(e));
            }
            LOG.debug("{}request {} for session {} to {} failed, trying the next server: {}", prefix, type,
                    shorten(id), m.name(), cause(e).getMessage());
            return askFrom(id, type, ring, at + 1);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<byte[]> answerAsOwner(int type, String id) {
        // recover() completes at once when the copy is known current, else on the executor: no hop needed.
        return recover(id).thenApply(done -> {
            if (type == MessageType.OWNER_VERSION) {
                return WireFormat.reply(Reply.OK, copy.version(id));
            }
            StoredSession s = copy.read(id);
            return s == null ? WireFormat.reply(Reply.NONE) : WireFormat.reply(Reply.OK, WireFormat.record(s));
        });
    }

    private CompletableFuture<Long> storeVia(SessionChange change, List<ClusterMember> ring, int at) {
        String id = change.id();
        if (at == ring.size()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the ring of " + shorten(id)
                    + " does not contain this server"));
        }
        ClusterMember m = ring.get(at);
        if (m.equals(self)) {
            return saveAsOwner(change, 0);
        }
        if (!transport.isUp(m)) {
            return storeVia(change, ring, at + 1);
        }
        return transport.request(m, webApp, MessageType.STORE, WireFormat.change(change)).handle((reply, e) -> {
            if (e == null) {
                if (WireFormat.status(reply) == Reply.REMOVED) {
                    return CompletableFuture.<Long>failedFuture(new SessionRemovedException(STORE, id));
                }
                return CompletableFuture.completedFuture(WireFormat.number(reply));
            }
            Throwable cause = cause(e);
            if (cause instanceof PeerTimeoutException) {
                // The owner may have applied it: saving elsewhere too could fork the session.
                return CompletableFuture.<Long>failedFuture(new SessionStoreException(STORE, id, "server " + m.name()
                        + " did not answer the save within socket-timeout; it may or may not have been applied", cause));
            }
            if (cause instanceof RemoteRequestException r && r.reason() != RemoteRequestException.Reason.NO_HANDLER) {
                // The owner is up and answered: acting as owner elsewhere would fork the session.
                return CompletableFuture.<Long>failedFuture(new SessionStoreException(STORE, id, "server " + m.name()
                        + " refused the save (" + r.reason() + "): " + r.getMessage() + "; see that server's log", r));
            }
            if (!(cause instanceof ClusterException)) {
                return CompletableFuture.<Long>failedFuture(cause);
            }
            LOG.debug("{}store of session {} on {} failed, trying the next server: {}", prefix, shorten(id), m.name(),
                    cause.getMessage());
            return storeVia(change, ring, at + 1);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<Void> removeElsewhere(String id) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (ClusterMember m : transport.topology().members()) {
            if (m.equals(self)) {
                continue;
            }
            if (!transport.isUp(m)) {
                missed.add(m.name(), id);
                continue;
            }
            sent.add(transport.request(m, webApp, MessageType.REMOVE, WireFormat.id(id)).whenComplete((r, e) -> {
                if (e != null) {
                    missed.add(m.name(), id);
                    LOG.debug("{}server {} did not confirm the removal of session {}: {}", prefix, m.name(),
                            shorten(id), e.toString());
                }
            }).exceptionally(e -> null));
        }
        return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
    }

    // ---- the owner's side

    private CompletableFuture<Long> saveAsOwner(SessionChange change, int attempt) {
        String id = change.id();
        return recover(id).thenCompose(done -> {
            long base;
            long version;
            synchronized (lock(id)) {
                base = copy.version(id);
                version = base + 1;
                copy.apply(change, version);
            }
            List<ClusterMember> ring = Ring.of(id, transport.topology());
            if (!ring.get(0).equals(self)) {
                missed.add(ring.get(0).name(), id); // acting for an owner out of reach: tell it when it is back
            }
            CompletableFuture<Boolean> backedUp = backUp(change, base, version, Ring.after(ring, self), 0);
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
     * @return true if that server holds a newer copy than this one (this server's copy was stale)
     */
    private CompletableFuture<Boolean> backUp(SessionChange change, long base, long version, List<ClusterMember> targets,
            int at) {
        String id = change.id();
        if (at == targets.size()) {
            warnNoBackup(id);
            return CompletableFuture.completedFuture(false);
        }
        ClusterMember target = targets.get(at);
        if (!transport.isUp(target)) {
            return backUp(change, base, version, targets, at + 1);
        }
        return transport.request(target, webApp, MessageType.REPLICATE, WireFormat.replica(change, base, version))
                .handleAsync((reply, e) -> {
                    if (e != null) {
                        Throwable cause = cause(e);
                        if (cause instanceof PeerTimeoutException) {
                            LOG.warn("{}backup {} did not acknowledge session {} within socket-timeout; it is on this "
                                    + "server's disk copy and may be on the backup", prefix, target.name(), shorten(id));
                            return CompletableFuture.completedFuture(false);
                        }
                        if (!(cause instanceof ClusterException)) {
                            return CompletableFuture.<Boolean>failedFuture(cause);
                        }
                        LOG.debug("{}backup of session {} on {} failed, trying the next server: {}", prefix, shorten(id),
                                target.name(), cause.getMessage());
                        return backUp(change, base, version, targets, at + 1);
                    }
                    return switch (WireFormat.status(reply)) {
                        case NEWER -> CompletableFuture.completedFuture(WireFormat.number(reply) > copy.version(id));
                        case NEED_FULL -> sendWhole(id, target).thenApply(ignored -> false);
                        case REMOVED -> removedElsewhere(id);
                        default -> CompletableFuture.completedFuture(false);
                    };
                }, executor).thenCompose(f -> f);
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
        changedElsewhere(id);
        return CompletableFuture.failedFuture(new SessionRemovedException(STORE, id));
    }

    /**
     * Makes this server's copy the newest in the cluster, once per session since it started (or since
     * it learned its copy was stale): asks every live peer for its version and takes the newest
     * copy; a peer where it was invalidated wins over any version. Cheap for the sticky case: a
     * session checked once is read locally afterwards.
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
        CompletableFuture<?>[] all = asked.values().stream().map(f -> f.exceptionally(e -> null))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).thenComposeAsync(done -> {
            long local = copy.version(id);
            long best = local;
            ClusterMember newest = null;
            for (Map.Entry<ClusterMember, CompletableFuture<byte[]>> a : asked.entrySet()) {
                byte[] reply = a.getValue().exceptionally(e -> null).join(); // already complete
                if (reply == null) {
                    continue;
                }
                if (WireFormat.status(reply) == Reply.REMOVED) {
                    // Invalidated while this server was away: the removal wins over any copy.
                    if (!copy.isRemoved(id)) {
                        copy.remove(id);
                        changedElsewhere(id);
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
            }
            if (newest == null) {
                becameCurrent(id, ring);
                return CompletableFuture.<Void>completedFuture(null);
            }
            return fetchNewer(id, newest, local, ring);
        }, executor);
    }

    private CompletableFuture<Void> fetchNewer(String id, ClusterMember newest, long local, List<ClusterMember> ring) {
        return transport.request(newest, webApp, MessageType.READ_COPY, WireFormat.id(id)).handleAsync((reply, e) -> {
            if (e != null) {
                LOG.warn("{}could not fetch a newer copy of session {} from {}: {}; serving version {} and checking "
                        + "again on the next request", prefix, shorten(id), newest.name(), cause(e).getMessage(), local);
                return null;
            }
            if (WireFormat.status(reply) == Reply.OK) {
                StoredSession theirs = WireFormat.readRecord(WireFormat.body(reply));
                try {
                    synchronized (lock(id)) {
                        if (theirs.version() > copy.version(id)) {
                            copy.write(theirs);
                            changedElsewhere(id);
                        }
                    }
                } catch (SessionRemovedException removed) {
                    return null; // invalidated here: the tombstone wins over any copy
                }
                LOG.info("{}session {}: took version {} from {} over this server's version {}", prefix, shorten(id),
                        theirs.version(), newest.name(), local);
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
        sendWhole(id, target).whenComplete((r, e) -> {
            if (e != null && cause(e) instanceof ClusterException) {
                sendWholeToFirstLive(id, targets, at + 1);
            }
        });
    }

    // ---- the peer side: requests from other servers

    CompletionStage<byte[]> handle(ClusterMember from, int type, byte[] payload) {
        if (missed.has(from.name())) {
            deliverMissed(from); // it is reachable again: tell it at once which of its sessions changed here
        }
        return switch (type) {
            case MessageType.LOAD, MessageType.OWNER_VERSION -> answerAsOwner(type, WireFormat.readId(payload));
            case MessageType.STORE -> storeFromPeer(WireFormat.readChange(payload));
            default -> CompletableFuture.completedFuture(handleLocally(type, payload));
        };
    }

    /** A request on another server saves through this one, its acting owner. */
    private CompletionStage<byte[]> storeFromPeer(SessionChange change) {
        return saveAsOwner(change, 0).handle((version, e) -> {
            changedElsewhere(change.id()); // written by another server's request: a copy cached here is behind
            if (e == null) {
                return WireFormat.reply(Reply.OK, version);
            }
            if (cause(e) instanceof SessionRemovedException) {
                return WireFormat.reply(Reply.REMOVED);
            }
            throw e instanceof CompletionException c ? c : new CompletionException(e);
        });
    }

    private byte[] handleLocally(int type, byte[] payload) {
        switch (type) {
            case MessageType.VERSION: {
                String id = WireFormat.readId(payload);
                return copy.isRemoved(id) ? WireFormat.reply(Reply.REMOVED) : WireFormat.reply(Reply.OK, copy.version(id));
            }
            case MessageType.READ_COPY: {
                StoredSession s = copy.read(WireFormat.readId(payload));
                return s == null ? WireFormat.reply(Reply.NONE) : WireFormat.reply(Reply.OK, WireFormat.record(s));
            }
            case MessageType.REPLICATE:
                return applyReplica(WireFormat.readReplica(payload));
            case MessageType.REPLICATE_FULL: {
                StoredSession s = WireFormat.readRecord(payload);
                synchronized (lock(s.id())) {
                    try {
                        if (s.version() > copy.version(s.id())) {
                            copy.write(s);
                            changedElsewhere(s.id());
                        }
                    } catch (SessionRemovedException e) {
                        return WireFormat.reply(Reply.REMOVED);
                    }
                }
                return WireFormat.reply(Reply.OK);
            }
            case MessageType.TOUCH: {
                WireFormat.Touch t = WireFormat.readTouch(payload);
                copy.touch(t.id(), t.lastAccessedTime());
                return WireFormat.reply(Reply.OK);
            }
            case MessageType.MISSED: {
                List<String> ids = WireFormat.readIds(payload);
                if (ids.isEmpty()) {
                    // "Check all": core may have cached any session this server acted as owner for.
                    List<String> all;
                    synchronized (current) {
                        all = new ArrayList<>(current);
                        current.clear();
                    }
                    all.forEach(this::changedElsewhere);
                } else {
                    ids.forEach(current::remove);
                    ids.forEach(this::changedElsewhere);
                }
                LOG.info("{}a peer changed {} sessions while this server was out of reach; each is checked with the "
                        + "peers on its next use", prefix, ids.isEmpty() ? "many" : String.valueOf(ids.size()));
                return WireFormat.reply(Reply.OK);
            }
            case MessageType.REMOVE: {
                String id = WireFormat.readId(payload);
                copy.remove(id);
                current.remove(id);
                changedElsewhere(id);
                return WireFormat.reply(Reply.OK);
            }
            default:
                throw new IllegalArgumentException("unknown cluster store message type " + type
                        + "; is the peer running another version of Tandem?");
        }
    }

    private byte[] applyReplica(WireFormat.Replica r) {
        String id = r.change().id();
        synchronized (lock(id)) {
            long local = copy.version(id);
            if (local == r.base()) {
                try {
                    copy.apply(r.change(), r.version());
                } catch (SessionRemovedException e) {
                    return WireFormat.reply(Reply.REMOVED);
                }
                changedElsewhere(id);
                return WireFormat.reply(Reply.OK);
            }
            if (local == r.version()) {
                return WireFormat.reply(Reply.OK); // the same save again
            }
            return local > r.version() ? WireFormat.reply(Reply.NEWER, local) : WireFormat.reply(Reply.NEED_FULL);
        }
    }

    /** Sends {@code peer} the ids of its sessions written or removed here while it was out of reach. */
    private void deliverMissed(ClusterMember peer) {
        MissedWrites.Batch batch = missed.take(peer.name());
        if (batch == null) {
            return;
        }
        transport.request(peer, webApp, MessageType.MISSED, WireFormat.ids(batch.ids())).whenComplete((r, e) -> {
            if (e != null) {
                missed.putBack(peer.name(), batch);
            }
        });
    }

    // ---- helpers

    private ClusterMember actingOwner(String id) {
        for (ClusterMember m : Ring.of(id, transport.topology())) {
            if (m.equals(self) || transport.isUp(m)) {
                return m;
            }
        }
        return self;
    }

    private void warnNoBackup(String id) {
        long now = clock.millis();
        if (transport.topology().size() > 1 && now - lastNoBackupWarning > NO_BACKUP_WARNING_INTERVAL_MILLIS) {
            lastNoBackupWarning = now;
            LOG.warn("{}no live server to back up session {} on; it is on this server's disk copy only until a "
                    + "peer is back (logged once a minute)", prefix, shorten(id));
        }
    }

    /** Tells core its cached copy may be behind; a listener's failure must not fail the protocol. */
    private void changedElsewhere(String id) {
        try {
            changes.changedElsewhere(id);
        } catch (RuntimeException e) {
            LOG.warn("{}telling core that session {} changed elsewhere failed", prefix, shorten(id), e);
        }
    }

    private Object lock(String id) {
        return locks[Math.floorMod(id.hashCode(), locks.length)];
    }

    private static Throwable cause(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Waits for an operation at the SessionStore edge and rethrows its own exception. */
    private static <T> T await(CompletableFuture<T> operation) {
        try {
            return operation.join();
        } catch (CompletionException e) {
            if (cause(e) instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
