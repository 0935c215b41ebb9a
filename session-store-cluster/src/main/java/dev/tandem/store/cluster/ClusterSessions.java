package dev.tandem.store.cluster;

import static dev.tandem.session.spi.SessionStoreException.shorten;
import static dev.tandem.store.cluster.ClusterNode.cause;

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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 *
 * <p>This class is the {@link SessionStore} side, where this server serves a request; the owner's
 * side lives in {@link OwnerSaves}, requests from other servers in {@link PeerRequests}, and the
 * state they share in {@link ClusterNode}.
 */
final class ClusterSessions implements SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);
    static final String STORE = "cluster";

    private final String webApp;
    private final ClusterTransport transport;
    private final ClusterMember self;
    private final DiskCopy copy;
    private final RandomGenerator random;
    private final Runnable onClose;
    private final String prefix;
    private final Set<String> current;
    private final MissedWrites missed;
    private final ClusterNode node;
    private final OwnerSaves owner;
    private final BackupRepair repair;

    ClusterSessions(String webApp, ClusterTransport transport, DiskCopy copy, Clock clock, RandomGenerator random,
            BackupMode backupMode, Executor executor, SessionChangeListener changes, Runnable onClose) {
        this.node = new ClusterNode(webApp, transport, copy, clock, changes);
        this.owner = new OwnerSaves(node, clock, backupMode, executor);
        this.webApp = webApp;
        this.transport = transport;
        this.self = node.self;
        this.copy = copy;
        this.random = random;
        this.onClose = onClose;
        this.prefix = node.prefix;
        this.current = node.current;
        this.missed = node.missed;
        this.repair = new BackupRepair(node, executor);
        transport.register(webApp, new PeerRequests(node, owner));
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
    public StoredSession loadIfChanged(String id, long knownVersion) {
        return await(loadIfChangedAsync(SessionId.requireWellFormed(id), knownVersion));
    }

    /**
     * Resin's rule: the acting owner applies every write of the session and serves its cached copy;
     * any other server may hold a copy older than what the owner acknowledged since, so it asks the
     * owner each time. The backup asks too: a backup that was slow to answer a replica is skipped
     * (the save is acknowledged with a copy elsewhere) and hears of it only later, with the
     * missed-writes notice; serving its cached copy meanwhile went back a version (simulation seed 129).
     */
    @Override
    public boolean checkVersionBeforeUse(String id) {
        // The owner serving its own session, as behind a sticky balancer: no ring to walk.
        return id.charAt(0) != self.indexChar() && !actingOwner(id).equals(self);
    }

    @Override
    public Optional<String> whyAlwaysLoadSessionIsIgnored() {
        return Optional.of("the cluster store checks a session with its owner whenever a server that neither owns "
                + "nor backs it up serves it (Resin's tcp-store does the same), so non-sticky balancers need no flag");
    }

    @Override
    public long save(SessionChange change) {
        SessionId.requireWellFormed(change.id());
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
            transport.request(m, webApp, MessageType.TOUCH, WireFormat.idAndNumber(id, lastAccessedTime))
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
        List<String> owned = await(sweepExpiredAsync(now));
        checkBackups();
        return owned;
    }

    /** Puts a second copy of this server's sessions on a live server if their backup is down ({@link BackupRepair}). */
    void checkBackups() {
        repair.check();
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
        return fromActingOwner(id, MessageType.LOAD, 0).thenApply(ClusterSessions::readLoaded);
    }

    CompletableFuture<StoredSession> loadIfChangedAsync(String id, long knownVersion) {
        return fromActingOwner(id, MessageType.LOAD_IF_CHANGED, knownVersion).thenApply(ClusterSessions::readLoaded);
    }

    private static StoredSession readLoaded(byte[] reply) {
        return switch (WireFormat.status(reply)) {
            case NONE -> null;
            case UNCHANGED -> StoredSession.UNCHANGED;
            default -> WireFormat.readRecord(WireFormat.body(reply));
        };
    }

    CompletableFuture<Long> versionAsync(String id) {
        return fromActingOwner(id, MessageType.OWNER_VERSION, 0).thenApply(WireFormat::number);
    }

    CompletableFuture<Long> saveAsync(SessionChange change) {
        return storeVia(change, Ring.of(change.id(), transport.topology()), 0);
    }

    CompletableFuture<Void> removeAsync(String id) {
        copy.remove(id);
        current.remove(id);
        node.backedUp.forget(id);
        return removeElsewhere(id);
    }

    CompletableFuture<List<String>> sweepExpiredAsync(long now) {
        // Core calls this periodically on every server: the moment to tell returning peers what they missed.
        for (ClusterMember m : transport.topology().members()) {
            if (!m.equals(self) && transport.isUp(m)) {
                node.deliverMissed(m);
            }
        }
        List<String> swept = copy.sweepExpired(now);
        List<String> owned = new ArrayList<>();
        List<CompletableFuture<Void>> removals = new ArrayList<>();
        for (String id : swept) {
            node.backedUp.forget(id);
            if (!actingOwner(id).equals(self)) {
                current.remove(id);
            } else if (current.remove(id)) {
                // The acting owner's clock decides expiry: the other copies go too, so none comes back.
                owned.add(id);
                removals.add(removeElsewhere(id));
            } else {
                // This copy was not checked with the peers since this server started (or learned it
                // missed writes): a peer may hold later accesses. Expire it everywhere only if none holds a copy.
                removals.add(expireIfNoOtherCopy(id, owned));
            }
        }
        return CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).thenApply(done -> owned);
    }

    private CompletableFuture<Void> expireIfNoOtherCopy(String id, List<String> owned) {
        List<CompletableFuture<Boolean>> held = new ArrayList<>();
        for (ClusterMember m : transport.topology().members()) {
            if (!m.equals(self) && transport.isUp(m)) {
                held.add(transport.request(m, webApp, MessageType.VERSION, WireFormat.id(id))
                        .thenApply(reply -> WireFormat.status(reply) == Reply.OK && WireFormat.number(reply) > 0)
                        .exceptionally(e -> true)); // unknown: keep it, the peer's own sweep decides
            }
        }
        return CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).thenCompose(done -> {
            if (held.stream().anyMatch(CompletableFuture::join)) {
                LOG.debug("{}session {} expired in this server's unchecked copy but a peer still holds one; left to "
                        + "that peer's sweep", prefix, shorten(id));
                return CompletableFuture.completedFuture(null);
            }
            synchronized (owned) {
                owned.add(id);
            }
            return removeElsewhere(id);
        });
    }

    /** The state this server's sides of the protocol share; for the simulator's memory checks. */
    ClusterNode node() {
        return node;
    }

    /**
     * Walks the ring to the first live server and asks it, answering locally when that is this server.
     * {@code knownVersion}: the version this server holds, for LOAD_IF_CHANGED.
     */
    private CompletableFuture<byte[]> fromActingOwner(String id, int type, long knownVersion) {
        return askFrom(id, type, knownVersion, Ring.of(id, transport.topology()), 0);
    }

    private CompletableFuture<byte[]> askFrom(String id, int type, long knownVersion, List<ClusterMember> ring,
            int at) {
        if (at == ring.size()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the ring of " + shorten(id)
                    + " does not contain this server"));
        }
        ClusterMember m = ring.get(at);
        if (m.equals(self)) {
            return owner.answerAsOwner(type, id, knownVersion);
        }
        if (!transport.isUp(m)) {
            return askFrom(id, type, knownVersion, ring, at + 1);
        }
        byte[] payload = type == MessageType.LOAD_IF_CHANGED ? WireFormat.idAndNumber(id, knownVersion) : WireFormat.id(id);
        return transport.request(m, webApp, type, payload).handle((reply, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(reply);
            }
            Throwable cause = cause(e);
            if (cause instanceof RemoteRequestException r && r.reason() == RemoteRequestException.Reason.HANDLER_FAILED
                    && type == MessageType.LOAD_IF_CHANGED) {
                // A server of the previous version (during a rolling upgrade) does not know the check: LOAD
                // answers the same question with the whole record.
                LOG.debug("{}server {} refused LOAD_IF_CHANGED ({}); asking it with LOAD", prefix, m.name(),
                        r.getMessage());
                return askFrom(id, MessageType.LOAD, 0, ring, at);
            }
            if (!(cause instanceof ClusterException) || cause instanceof PeerTimeoutException
                    || cause instanceof RemoteRequestException r && r.reason() != RemoteRequestException.Reason.NO_HANDLER) {
                // A server that did not answer in time, or answered with an error, may be up and acting as
                // owner: the next server's copy may miss its latest writes, so serving it could go back a version.
                return CompletableFuture.<byte[]>failedFuture(cause);
            }
            LOG.debug("{}request {} for session {} to {} failed, trying the next server: {}", prefix, type,
                    shorten(id), m.name(), cause.getMessage());
            return askFrom(id, type, knownVersion, ring, at + 1);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<Long> storeVia(SessionChange change, List<ClusterMember> ring, int at) {
        String id = change.id();
        if (at == ring.size()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the ring of " + shorten(id)
                    + " does not contain this server"));
        }
        ClusterMember m = ring.get(at);
        if (m.equals(self)) {
            return owner.saveAsOwner(change, 0);
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

    // ---- helpers

    private ClusterMember actingOwner(String id) {
        return actingOwner(Ring.of(id, transport.topology()));
    }

    private ClusterMember actingOwner(List<ClusterMember> ring) {
        for (ClusterMember m : ring) {
            if (m.equals(self) || transport.isUp(m)) {
                return m;
            }
        }
        return self;
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
