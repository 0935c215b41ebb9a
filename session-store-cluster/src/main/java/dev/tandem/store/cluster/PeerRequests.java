package dev.tandem.store.cluster;

import static dev.tandem.store.cluster.ClusterNode.cause;

import dev.tandem.cluster.ClusterMember;
import dev.tandem.cluster.RequestHandler;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.StoredSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer side of the cluster protocol: requests from other servers, dispatched by
 * {@link MessageType}. Loads, version queries and saves are answered as acting owner through
 * {@link OwnerSaves}; the rest (versions, copies, backups, touches, missed-writes notices, removals)
 * act on this server's disk copy alone.
 */
final class PeerRequests implements RequestHandler {
    // The cluster store logs under one name, whichever side of the protocol speaks.
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);

    private final ClusterNode node;
    private final OwnerSaves owner;
    private final DiskCopy copy;
    private final String prefix;
    private final Set<String> current;
    private final MissedWrites missed;

    PeerRequests(ClusterNode node, OwnerSaves owner) {
        this.node = node;
        this.owner = owner;
        this.copy = node.copy;
        this.prefix = node.prefix;
        this.current = node.current;
        this.missed = node.missed;
    }

    /**
     * The local types are answered from the disk copy alone (an append without a flush: the disk copy
     * does not fsync), so they run on the connection's reader thread. Not while notices wait for
     * {@code from}: delivering them sends a request.
     */
    @Override
    public boolean answersAtOnce(ClusterMember from, int type) {
        return switch (type) {
            case MessageType.VERSION, MessageType.REPLICATE, MessageType.REPLICATE_FULL, MessageType.TOUCH,
                    MessageType.REMOVE, MessageType.READ_COPY, MessageType.MISSED -> !missed.has(from.name());
            default -> false;
        };
    }

    @Override
    public CompletionStage<byte[]> handle(ClusterMember from, int type, byte[] payload) {
        if (missed.has(from.name())) {
            node.deliverMissed(from); // it is reachable again: tell it at once which of its sessions changed here
        }
        return switch (type) {
            case MessageType.LOAD, MessageType.OWNER_VERSION -> owner.answerAsOwner(type, WireFormat.readId(payload), 0);
            case MessageType.LOAD_IF_CHANGED -> {
                WireFormat.IdAndNumber check = WireFormat.readIdAndNumber(payload);
                yield owner.answerAsOwner(type, check.id(), check.number());
            }
            case MessageType.STORE -> storeFromPeer(WireFormat.readChange(payload));
            default -> CompletableFuture.completedFuture(handleLocally(type, payload));
        };
    }

    /** A request on another server saves through this one, its acting owner. */
    private CompletionStage<byte[]> storeFromPeer(SessionChange change) {
        return owner.saveAsOwner(change, 0).handle((version, e) -> {
            node.changedElsewhere(change.id()); // written by another server's request: a copy cached here is behind
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
                synchronized (node.lock(s.id())) {
                    try {
                        if (s.version() > copy.version(s.id())) {
                            copy.write(s);
                            node.changedElsewhere(s.id());
                        }
                    } catch (SessionRemovedException e) {
                        return WireFormat.reply(Reply.REMOVED);
                    }
                }
                return WireFormat.reply(Reply.OK);
            }
            case MessageType.TOUCH: {
                WireFormat.IdAndNumber t = WireFormat.readIdAndNumber(payload);
                copy.touch(t.id(), t.number());
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
                    all.forEach(node::changedElsewhere);
                } else {
                    ids.forEach(current::remove);
                    ids.forEach(node::changedElsewhere);
                }
                LOG.info("{}a peer changed {} sessions while this server was out of reach; each is checked with the "
                        + "peers on its next use", prefix, ids.isEmpty() ? "many" : String.valueOf(ids.size()));
                return WireFormat.reply(Reply.OK);
            }
            case MessageType.REMOVE: {
                String id = WireFormat.readId(payload);
                copy.remove(id);
                current.remove(id);
                node.changedElsewhere(id);
                return WireFormat.reply(Reply.OK);
            }
            default:
                throw new IllegalArgumentException("unknown cluster store message type " + type
                        + "; is the peer running another version of Tandem?");
        }
    }

    private byte[] applyReplica(WireFormat.Replica r) {
        String id = r.change().id();
        synchronized (node.lock(id)) {
            long local = copy.version(id);
            if (local == r.base()) {
                try {
                    copy.apply(r.change(), r.version(), r.version()); // a backup's copy: the second one
                } catch (SessionRemovedException e) {
                    return WireFormat.reply(Reply.REMOVED);
                }
                node.changedElsewhere(id);
                return WireFormat.reply(Reply.OK);
            }
            if (local == r.version()) {
                StoredSession mine = copy.read(id);
                if (holds(mine, r.change())) {
                    return WireFormat.reply(Reply.OK); // the same save again
                }
                // Another server wrote this version too (both acted as owner): acknowledging would keep
                // the other write here and this one there. The sender rebases on this copy instead.
                return WireFormat.reply(Reply.CONFLICT, WireFormat.record(mine));
            }
            return local > r.version() ? WireFormat.reply(Reply.NEWER, local) : WireFormat.reply(Reply.NEED_FULL);
        }
    }

    /** Whether {@code copy} already shows every change of {@code change}. */
    private static boolean holds(StoredSession copy, SessionChange change) {
        for (Map.Entry<String, byte[]> a : change.changed().entrySet()) {
            if (!Arrays.equals(copy.attributes().get(a.getKey()), a.getValue())) {
                return false;
            }
        }
        for (String removed : change.removed()) {
            if (copy.attributes().containsKey(removed)) {
                return false;
            }
        }
        return true;
    }
}
