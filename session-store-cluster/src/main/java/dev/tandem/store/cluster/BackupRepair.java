package dev.tandem.store.cluster;

import static dev.tandem.session.spi.SessionStoreException.shorten;
import static dev.tandem.store.cluster.ClusterNode.cause;

import dev.tandem.cluster.ClusterMember;
import dev.tandem.cluster.ClusterTransport;
import dev.tandem.cluster.PeerUnavailableException;
import dev.tandem.session.spi.StoredSession;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resin's "backup down: the owner picks a new backup and copies its sessions there", at once
 * rather than at each session's next save: a session nobody writes while its backup is down would
 * otherwise have one copy, and the owner's crash would lose it.
 *
 * <p>{@link #check} (every second in production, and at each sweep) asks each server that holds the
 * second copy of a session owned here for a version (a few bytes); a server that cannot be reached
 * is down, and every session whose second copy it held ({@link BackedUpSessions}) is sent whole to
 * the first live server after this one on the session's {@link Ring}, where this server's next saves
 * of it go too. Sessions that no peer backed up (none was up) are copied as soon as one is. Never
 * blocks: the copies run on the store's executor, a few at a time.
 */
final class BackupRepair {
    // The cluster store logs under one name, whichever side of the protocol speaks.
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);
    /** Sessions copied at once per lost server. */
    static final int LANES = 8;
    /** A well-formed id that no session has (ids are random): the probe asks for its version. */
    static final String PROBE_ID = "aa" + "A".repeat(22);

    private final ClusterNode node;
    private final ClusterTransport transport;
    private final ClusterMember self;
    private final BackedUpSessions backups;
    private final Executor executor;
    /** Servers whose sessions are being copied now: one repair per server at a time. */
    private final Set<String> repairing = ConcurrentHashMap.newKeySet();

    BackupRepair(ClusterNode node, Executor executor) {
        this.node = node;
        this.transport = node.transport;
        this.self = node.self;
        this.backups = node.backedUp;
        this.executor = executor;
    }

    /** Probes the servers holding second copies and starts a repair for each one that is down. */
    void check() {
        for (String name : backups.backups()) {
            Optional<ClusterMember> peer = transport.topology().byName(name);
            if (peer.isEmpty() || !transport.isUp(peer.get())) {
                repair(name);
                continue;
            }
            transport.request(peer.get(), node.webApp, MessageType.VERSION, WireFormat.id(PROBE_ID))
                    .whenComplete((reply, e) -> {
                        // Only a peer that cannot be reached has lost its copies; one that is slow still holds them.
                        if (e != null && cause(e) instanceof PeerUnavailableException) {
                            repair(name);
                        }
                    });
        }
    }

    /** Copies every session whose second copy was on {@code lost} to a live server. */
    private void repair(String lost) {
        if (!anyOtherPeerUp(lost)) {
            if (!lost.equals(BackedUpSessions.NOWHERE)) {
                // No server to copy to now. When one is up (the lost one back, perhaps with an empty disk),
                // these sessions still need a second copy.
                backups.lost(lost);
            }
            return;
        }
        if (!repairing.add(lost)) {
            return;
        }
        List<String> ids = backups.on(lost);
        if (ids.isEmpty()) {
            repairing.remove(lost);
            return;
        }
        LOG.debug("{}{} sessions had their second copy on {}; copying them to other servers", node.prefix,
                ids.size(), lost.isEmpty() ? "no server" : lost);
        Iterator<String> queue = ids.iterator();
        AtomicInteger copied = new AtomicInteger();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < LANES; i++) {
            lanes.add(copyNext(queue, lost, copied));
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).whenComplete((done, e) -> {
            repairing.remove(lost);
            // One line per repair that did something: a check that finds nothing to copy says nothing.
            if (copied.get() > 0) {
                LOG.warn("{}{}: copied {} of its {} sessions to other servers, so two copies exist again{}",
                        node.prefix, lost.isEmpty() ? "sessions without a second copy" : "server " + lost + " is down",
                        copied.get(), ids.size(), copied.get() < ids.size() ? " (the others were removed, moved or "
                                + "found no live server; they are tried again at the next check)" : "");
            }
        });
    }

    private CompletableFuture<Void> copyNext(Iterator<String> queue, String lost, AtomicInteger copied) {
        String id;
        synchronized (queue) {
            if (!queue.hasNext()) {
                return CompletableFuture.completedFuture(null);
            }
            id = queue.next();
        }
        CompletableFuture<CompletableFuture<Boolean>> started;
        try {
            // Async: a copy that completes at once must not grow the stack by one call per session.
            started = CompletableFuture.supplyAsync(() -> copy(id, lost), executor);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(null); // the store is closing
        }
        return started.thenCompose(f -> f)
                .handle((ok, e) -> {
                    if (e != null) {
                        LOG.debug("{}copying session {} to a new backup failed: {}", node.prefix, shorten(id),
                                cause(e).toString());
                    } else if (ok) {
                        copied.incrementAndGet();
                    }
                    return null;
                })
                .thenComposeAsync(ignored -> copyNext(queue, lost, copied), executor);
    }

    /** Sends this server's copy of {@code id} to the first live server after this one on its ring, but {@code lost}. */
    private CompletableFuture<Boolean> copy(String id, String lost) {
        if (!backups.isOn(id, lost)) {
            return CompletableFuture.completedFuture(false); // a save backed it up elsewhere meanwhile
        }
        List<ClusterMember> ring = Ring.of(id, transport.topology());
        if (!actingOwner(ring).equals(self)) {
            // Its owner (or an earlier server of its ring) is back: that server backs it up from now on.
            backups.forget(id);
            return CompletableFuture.completedFuture(false);
        }
        ClusterMember target = null;
        for (ClusterMember m : Ring.after(ring, self)) {
            if (!m.name().equals(lost) && transport.isUp(m)) {
                target = m;
                break;
            }
        }
        if (target == null) {
            return CompletableFuture.completedFuture(false);
        }
        StoredSession whole = node.copy.read(id);
        if (whole == null) {
            backups.forget(id); // removed or expired here
            return CompletableFuture.completedFuture(false);
        }
        ClusterMember to = target;
        return transport.request(to, node.webApp, MessageType.REPLICATE_FULL, WireFormat.record(whole)).thenApply(reply -> {
            if (WireFormat.status(reply) == Reply.REMOVED) {
                // Invalidated there while this server was out of reach: the removal wins over any copy.
                node.copy.remove(id);
                node.changedElsewhere(id);
                backups.forget(id);
                return false;
            }
            backups.backedUp(id, to);
            node.confirmed(id, whole.version());
            return true;
        });
    }

    private ClusterMember actingOwner(List<ClusterMember> ring) {
        for (ClusterMember m : ring) {
            if (m.equals(self) || transport.isUp(m)) {
                return m;
            }
        }
        return self;
    }

    private boolean anyOtherPeerUp(String lost) {
        for (ClusterMember m : transport.topology().members()) {
            if (!m.equals(self) && !m.name().equals(lost) && transport.isUp(m)) {
                return true;
            }
        }
        return false;
    }
}
