package dev.tandem.cluster;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections to one peer and whether it is down. A peer that fails to connect or to
 * authenticate is down for {@code recover-time}: requests to it fail at once, without touching the
 * network. Concurrent requests while a connection opens share that one attempt.
 */
final class PeerPool {
    private static final Logger LOG = LoggerFactory.getLogger(PeerPool.class);

    /** Connections are multiplexed; more than one only spreads large frames and reading work. */
    static final int MAX_CONNECTIONS = 4;
    /** Requests in flight on every open connection at which another one is opened. */
    static final int BUSY = 16;

    private final ClusterMember peer;
    private final ClusterConfig config;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;

    private final List<OutboundConnection> connections = new ArrayList<>(); // guarded by this
    private CompletableFuture<OutboundConnection> connecting; // guarded by this
    private boolean down; // guarded by this
    private long retryAtMillis; // guarded by this
    private boolean closed; // guarded by this

    PeerPool(ClusterMember peer, ClusterConfig config, ScheduledExecutorService scheduler, Clock clock) {
        this.peer = peer;
        this.config = config;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    CompletableFuture<byte[]> request(String webApp, int type, byte[] body) {
        OutboundConnection chosen = null;
        CompletableFuture<OutboundConnection> opening;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new PeerUnavailableException(peer.name(),
                        "the cluster endpoint of " + config.self().name() + " is closed", null));
            }
            long wait = retryAtMillis - clock.millis();
            if (down && wait > 0) {
                return CompletableFuture.failedFuture(new PeerUnavailableException(peer.name(), "peer " + peer.name()
                        + " at " + peer.address() + " is down; it is tried again in " + wait + "ms (recover-time)", null));
            }
            for (OutboundConnection c : connections) {
                if (!c.isClosed() && (chosen == null || c.inFlight() < chosen.inFlight())) {
                    chosen = c;
                }
            }
            if (chosen != null && !chosen.reserve()) {
                chosen = null; // closed by its reader just now
            }
            boolean crowded = chosen != null && chosen.inFlight() > BUSY && connections.size() < MAX_CONNECTIONS;
            if ((chosen == null || crowded) && connecting == null) {
                CompletableFuture<OutboundConnection> attempt = new CompletableFuture<>();
                connecting = attempt;
                Thread thread = new Thread(() -> connect(attempt),
                        "tandem-cluster-" + config.self().name() + "-to-" + peer.name());
                thread.setDaemon(true);
                thread.start();
            }
            opening = connecting;
        }
        if (chosen != null) {
            return chosen.send(webApp, type, body);
        }
        CompletableFuture<byte[]> response = new CompletableFuture<>();
        opening.whenComplete((connection, error) -> {
            if (error != null) {
                response.completeExceptionally(error instanceof CompletionException ? error.getCause() : error);
            } else if (!connection.reserve()) {
                response.completeExceptionally(new PeerUnavailableException(peer.name(),
                        "connection to peer " + peer.name() + " closed before the request was sent", null));
            } else {
                connection.send(webApp, type, body).whenComplete((r, e) -> {
                    if (e != null) {
                        response.completeExceptionally(e);
                    } else {
                        response.complete(r);
                    }
                });
            }
        });
        return response;
    }

    /**
     * The peer connected to this server and authenticated: it is running, so it is up again at once
     * rather than after recover-time. Without this a restarted peer would get no backups and no
     * requests from this server for up to recover-time after it came back.
     */
    synchronized void connectedToUs() {
        if (down) {
            down = false;
            LOG.info("cluster {}: peer {} at {} is up again (it connected to this server)", config.self().name(),
                    peer.name(), peer.address());
        }
    }

    synchronized boolean isUp() {
        return !down || clock.millis() >= retryAtMillis;
    }

    synchronized int openConnections() {
        connections.removeIf(OutboundConnection::isClosed);
        return connections.size();
    }

    synchronized void closeIdle(long nowMillis) {
        connections.removeIf(c -> c.isClosed() || c.closeIfIdle(nowMillis));
    }

    void close() {
        List<OutboundConnection> open;
        synchronized (this) {
            closed = true;
            open = new ArrayList<>(connections);
            connections.clear();
        }
        for (OutboundConnection c : open) {
            c.close(new PeerUnavailableException(peer.name(), "the cluster endpoint of " + config.self().name()
                    + " is closing", null));
        }
    }

    /** Opens one connection, then stays on as its reader thread. */
    private void connect(CompletableFuture<OutboundConnection> attempt) {
        OutboundConnection connection;
        try {
            connection = openOrRetry();
        } catch (IOException | RuntimeException e) {
            markDown(e);
            attempt.completeExceptionally(new PeerUnavailableException(peer.name(), "could not connect to peer "
                    + peer.name() + " at " + peer.address() + ": " + e + "; it is tried again after recover-time "
                    + config.recoverTime().toMillis() + "ms", e));
            return;
        }
        boolean endpointClosed;
        synchronized (this) {
            connecting = null;
            endpointClosed = closed;
            if (!closed) {
                connections.add(connection);
                if (down) {
                    down = false;
                    LOG.info("cluster {}: peer {} at {} is up again", config.self().name(), peer.name(), peer.address());
                }
            }
        }
        if (endpointClosed) {
            connection.close(new PeerUnavailableException(peer.name(), "the cluster endpoint of "
                    + config.self().name() + " is closing", null));
            attempt.completeExceptionally(new PeerUnavailableException(peer.name(), "the cluster endpoint of "
                    + config.self().name() + " is closing", null));
            return;
        }
        attempt.complete(connection);
        connection.readResponses();
        synchronized (this) {
            connections.remove(connection);
        }
    }

    /**
     * A peer that closes a connection before the handshake ends is up: its handshake slots may have
     * been full for a moment (a client jamming its port). One more try before marking it down.
     */
    private OutboundConnection openOrRetry() throws IOException {
        try {
            return OutboundConnection.open(peer, config, scheduler, clock);
        } catch (Handshake.ClosedDuringHandshake | java.net.SocketException e) {
            if (e instanceof java.net.ConnectException || e instanceof java.net.NoRouteToHostException) {
                throw e;
            }
            LOG.debug("cluster {}: peer {} closed the connection during the handshake ({}); trying once more",
                    config.self().name(), peer.name(), e.toString());
            return OutboundConnection.open(peer, config, scheduler, clock);
        }
    }

    private synchronized void markDown(Exception e) {
        connecting = null;
        retryAtMillis = clock.millis() + config.recoverTime().toMillis();
        if (!down) {
            down = true;
            LOG.warn("cluster {}: peer {} at {} is down ({}); calls to it fail at once for recover-time {}ms",
                    config.self().name(), peer.name(), peer.address(), e.toString(), config.recoverTime().toMillis());
        } else {
            LOG.debug("cluster {}: peer {} at {} is still down ({})", config.self().name(), peer.name(), peer.address(),
                    e.toString());
        }
    }
}
