package dev.tandem.store.cluster;

import static dev.tandem.session.spi.SessionStoreException.shorten;

import dev.tandem.cluster.ClusterMember;
import dev.tandem.cluster.ClusterTransport;
import dev.tandem.session.spi.SessionChangeListener;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sides of the cluster protocol on this server share, for one web app: the transport, the
 * disk copy, the ids known to be current, the writes peers missed, the per-session locks and the
 * listener that tells core a session changed elsewhere. {@link ClusterSessions} serves this server's
 * requests, {@link OwnerSaves} acts as owner, {@link PeerRequests} answers other servers.
 */
final class ClusterNode {
    // The cluster store logs under one name, whichever side of the protocol speaks.
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);
    /** Sessions known to be current here; beyond it the oldest are checked with peers again. */
    private static final int CURRENT_LIMIT = 100_000;

    final String webApp;
    final ClusterTransport transport;
    final ClusterMember self;
    final DiskCopy copy;
    final String prefix;
    private final SessionChangeListener changes;
    private final Object[] locks = new Object[64];
    /** Ids whose copy here is the newest the cluster has, as far as this server saw since it started. */
    final Set<String> current = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<String, Boolean>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > CURRENT_LIMIT;
                }
            }));
    /** Sessions written here while their owner was out of reach, by owner: it must not trust its copy. */
    final MissedWrites missed;
    /** Where the second copy of each session this server acted as owner for is, for {@link BackupRepair}. */
    final BackedUpSessions backedUp = new BackedUpSessions();
    /** Saves applied here as acting owner whose backup has not answered yet: how many, by id. */
    private final Map<String, Integer> backingUp = new HashMap<>(); // guarded by itself
    /** The highest version of each session that a backup (or, with no peer up, this disk alone) acknowledged here. */
    private final Map<String, Long> confirmed = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > CURRENT_LIMIT;
        }
    }; // guarded by itself

    ClusterNode(String webApp, ClusterTransport transport, DiskCopy copy, Clock clock, SessionChangeListener changes) {
        this.webApp = webApp;
        this.transport = transport;
        this.self = transport.self();
        this.copy = copy;
        this.changes = changes;
        this.prefix = "cluster " + self.name() + " " + webApp + ": ";
        List<String> peers = new ArrayList<>();
        for (ClusterMember m : transport.topology().members()) {
            if (!m.equals(self)) {
                peers.add(m.name());
            }
        }
        this.missed = new MissedWrites(copy, peers, prefix);
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    void backupStarted(String id) {
        synchronized (backingUp) {
            backingUp.merge(id, 1, Integer::sum);
        }
    }

    void backupEnded(String id) {
        synchronized (backingUp) {
            backingUp.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Versions up to {@code version} of {@code id} are acknowledged: a second server holds them, or none was up. */
    void confirmed(String id, long version) {
        synchronized (confirmed) {
            confirmed.merge(id, version, Math::max);
        }
    }

    /** The highest version of {@code id} this process saw acknowledged; 0 if none (or forgotten). */
    long confirmedVersion(String id) {
        synchronized (confirmed) {
            return confirmed.getOrDefault(id, 0L);
        }
    }

    /** Whether a save of {@code id} applied here waits for its backup's answer. */
    boolean backingUp(String id) {
        synchronized (backingUp) {
            return backingUp.containsKey(id);
        }
    }

    /** Sends {@code peer} the ids of its sessions written or removed here while it was out of reach. */
    void deliverMissed(ClusterMember peer) {
        MissedWrites.Batch batch = missed.take(peer.name());
        if (batch == null) {
            return;
        }
        transport.request(peer, webApp, MessageType.MISSED, WireFormat.ids(batch.ids())).whenComplete((r, e) -> {
            if (e != null) {
                missed.putBack(peer.name(), batch);
            } else {
                missed.delivered(peer.name(), batch);
            }
        });
    }

    /** Tells core its cached copy may be behind; a listener's failure must not fail the protocol. */
    void changedElsewhere(String id) {
        try {
            changes.changedElsewhere(id);
        } catch (RuntimeException e) {
            LOG.warn("{}telling core that session {} changed elsewhere failed", prefix, shorten(id), e);
        }
    }

    Object lock(String id) {
        return locks[Math.floorMod(id.hashCode(), locks.length)];
    }

    static Throwable cause(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
