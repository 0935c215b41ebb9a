package dev.tandem.store.jdbc;

import static dev.tandem.session.spi.SessionStoreException.shorten;

import dev.tandem.cluster.ClusterConfig;
import dev.tandem.cluster.ClusterEndpoint;
import dev.tandem.cluster.ClusterMember;
import dev.tandem.cluster.ClusterTransport;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChangeListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resin's "cluster-aware" database store: with a cluster configured, the server that owns a
 * session (the id's first character) keeps its cached copy without asking the database on each
 * request, and any other server that writes the session tells the owner over the cluster port,
 * so that the owner drops its copy. The notice for a save or a removal is acknowledged before the
 * request that made it ends: the client's next request, wherever it lands, sees the write.
 *
 * <p>A server that is not the owner is told nothing when the owner writes; the store has core
 * check the stored version of such a session on each request ({@link #ownedElsewhere}).
 */
final class ChangeNotices implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeNotices.class);
    /** The one message type of this store on the cluster port: payload = the session id, UTF-8. */
    static final int CHANGED = 1;
    private static final byte[] OK = new byte[0];

    private final String webApp;
    private final ClusterTransport transport;
    private final ClusterMember self;
    private final Duration wait;
    private final Runnable release;

    ChangeNotices(String webApp, ClusterTransport transport, Duration wait, SessionChangeListener changes,
            Runnable release) {
        this.webApp = webApp;
        this.transport = transport;
        this.self = transport.self();
        this.wait = wait;
        this.release = release;
        transport.register(webApp, (from, type, payload) -> CompletableFuture.completedFuture(
                received(from, type, payload, changes)));
    }

    /** Notices over this JVM's cluster endpoint, or none when no {@code cluster} param is set. */
    static Optional<ChangeNotices> open(String webApp, java.util.Map<String, String> parameters,
            SessionChangeListener changes) {
        String list = parameters.get(ClusterConfig.CLUSTER);
        if (list == null || list.isBlank()) {
            return Optional.empty();
        }
        ClusterConfig config = ClusterConfig.parse(parameters);
        ClusterEndpoint endpoint = ClusterEndpoint.acquire(config);
        try {
            // A notice is a few bytes: a peer that does not answer within the connect timeout is in trouble,
            // and a request must not wait the whole socket timeout on it.
            return Optional.of(new ChangeNotices(webApp, endpoint, config.connectTimeout(), changes, endpoint::release));
        } catch (RuntimeException e) {
            endpoint.release();
            throw e;
        }
    }

    /** This server first, then the next one in the list, which the dispatch filter tries second. */
    String newSessionIdPrefix() {
        int size = transport.topology().size();
        char next = SessionId.serverChar((self.index() + 1) % size);
        return "" + self.indexChar() + next;
    }

    /** Whether another server owns {@code id}: its writes reach this server's cache unannounced. */
    boolean ownedElsewhere(String id) {
        return owner(id).isPresent();
    }

    /**
     * Tells the owner of {@code id}, if another live server, that its row changed. With
     * {@code acknowledged}, returns once the owner answered (or after the connect timeout, logged);
     * otherwise at once.
     */
    void changed(String id, boolean acknowledged) {
        Optional<ClusterMember> owner = owner(id);
        if (owner.isEmpty() || !transport.isUp(owner.get())) {
            // A known-down owner has no cache to correct, or will have lost it by the time it restarts.
            return;
        }
        CompletableFuture<byte[]> sent;
        try {
            sent = transport.request(owner.get(), webApp, CHANGED, id.getBytes(StandardCharsets.US_ASCII));
        } catch (RuntimeException e) {
            LOG.warn("[{}] could not tell {} that session {} changed: {}", webApp, owner.get().name(), shorten(id),
                    e.toString());
            return;
        }
        if (!acknowledged) {
            sent.whenComplete((r, e) -> {
                if (e != null) {
                    LOG.debug("[{}] telling {} that session {} changed failed: {}", webApp, owner.get().name(),
                            shorten(id), e.toString());
                }
            });
            return;
        }
        try {
            sent.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The write itself stands in the database; only the owner's cache may lag until it next loads.
            LOG.warn("[{}] {} did not confirm the change notice of session {} ({}); it may serve its cached copy "
                    + "until it reloads", webApp, owner.get().name(), shorten(id),
                    e instanceof TimeoutException ? "no answer within " + wait.toMillis() + "ms" : e.getCause().toString());
        }
    }

    private byte[] received(ClusterMember from, int type, byte[] payload, SessionChangeListener changes) {
        if (type != CHANGED) {
            throw new IllegalArgumentException("the jdbc store of " + webApp + " knows message type " + CHANGED
                    + " only, got " + type + " from " + from.name() + "; do all servers run the same store?");
        }
        String id = SessionId.requireWellFormed(new String(payload, StandardCharsets.US_ASCII));
        LOG.debug("[{}] {} changed session {}", webApp, from.name(), shorten(id));
        changes.changedElsewhere(id);
        return OK;
    }

    private Optional<ClusterMember> owner(String id) {
        return transport.topology().byIndexChar(id.charAt(0)).filter(owner -> !owner.equals(self));
    }

    @Override
    public void close() {
        transport.unregister(webApp);
        release.run();
    }
}
