package dev.tandem.cluster;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An authenticated connection to a peer, carrying many requests at once: each waits under its
 * request id for the response, which a reader thread hands back.
 */
final class OutboundConnection {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundConnection.class);

    private final ClusterMember peer;
    private final ClusterConfig config;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Socket socket;
    private final DataInputStream in;
    private final FrameWriter out;
    private final Map<Long, CompletableFuture<byte[]>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;
    private int inFlight; // guarded by this; reserved requests, including those not yet sent
    private long lastUsedMillis; // guarded by this

    private OutboundConnection(ClusterMember peer, ClusterConfig config, ScheduledExecutorService scheduler, Clock clock,
                               Socket socket, DataInputStream in, OutputStream out) {
        this.peer = peer;
        this.config = config;
        this.scheduler = scheduler;
        this.clock = clock;
        this.socket = socket;
        this.in = in;
        this.out = new FrameWriter(out);
        this.lastUsedMillis = clock.millis();
    }

    /** Connects within {@code connect-timeout} and authenticates within {@code handshake-timeout}. */
    static OutboundConnection open(ClusterMember peer, ClusterConfig config, ScheduledExecutorService scheduler, Clock clock)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            bindToOwnAddress(socket, config.self(), peer);
            socket.connect(new InetSocketAddress(peer.host(), peer.port()), (int) config.connectTimeout().toMillis());
            socket.setSoTimeout((int) config.handshakeTimeout().toMillis());
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            Handshake.connect(in, out, config, peer);
            // From now on each request has its own timer, and the idle sweep closes quiet connections.
            socket.setSoTimeout(0);
            return new OutboundConnection(peer, config, scheduler, clock, socket, in, out);
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /**
     * Connects from this server's own listed address, which is what the peer admits (PeerAddresses);
     * on a machine with several addresses the system might pick another. An address that cannot be
     * bound (a name behind NAT) leaves the choice to the system.
     */
    private static void bindToOwnAddress(Socket socket, ClusterMember self, ClusterMember peer) {
        try {
            java.net.InetAddress own = java.net.InetAddress.getByName(self.host());
            if (own.getClass() == java.net.InetAddress.getByName(peer.host()).getClass()) { // IPv4 to IPv4, v6 to v6
                socket.bind(new InetSocketAddress(own, 0));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cluster {}: connecting from the system's choice of address, not {}: {}", self.name(), self.host(),
                    e.toString());
        }
    }

    /** Counts a request about to be sent, so the idle sweep leaves this connection alone. */
    synchronized boolean reserve() {
        if (closed) {
            return false;
        }
        inFlight++;
        lastUsedMillis = clock.millis();
        return true;
    }

    synchronized int inFlight() {
        return inFlight;
    }

    boolean isClosed() {
        return closed;
    }

    /** Sends a request reserved with {@link #reserve()}. */
    CompletableFuture<byte[]> send(String webApp, int type, byte[] body) {
        long id = ids.incrementAndGet();
        CompletableFuture<byte[]> response = new CompletableFuture<>();
        pending.put(id, response);
        ScheduledFuture<?> timer = scheduler.schedule(() -> timedOut(id, webApp, type),
                config.socketTimeout().toMillis(), TimeUnit.MILLISECONDS);
        response.whenComplete((r, e) -> {
            timer.cancel(false);
            released();
        });
        if (closed && pending.remove(id) != null) {
            // close() ran before the put and could not fail this one.
            response.completeExceptionally(lost(null));
            return response;
        }
        try {
            out.write(Frame.request(type, id, webApp, body).encode());
        } catch (IOException e) {
            close(lost(e));
        }
        return response;
    }

    /** Reads responses until the connection ends; runs on this connection's own thread. */
    void readResponses() {
        Exception cause = null;
        try {
            while (true) {
                Frame frame = Frame.read(in, config.maxFrameSize());
                if (frame == null) {
                    break;
                }
                if (frame.type() != Frame.RESPONSE && frame.type() != Frame.ERROR) {
                    throw new ProtocolException("message type " + frame.type() + " where a response was expected");
                }
                CompletableFuture<byte[]> response = pending.remove(frame.requestId());
                if (response == null) {
                    throw new ProtocolException("response to request id " + frame.requestId() + ", which nobody waits for");
                }
                if (frame.type() == Frame.RESPONSE) {
                    response.complete(frame.payload());
                } else {
                    response.completeExceptionally(new RemoteRequestException(peer.name(), frame.errorReason(),
                            "peer " + peer.name() + " answered with an error: " + frame.errorMessage()));
                }
            }
        } catch (ProtocolException e) {
            cause = e;
            LOG.warn("cluster {}: closed connection to peer {} at {}: {}", config.self().name(), peer.name(), peer.address(), e.getMessage());
        } catch (IOException e) {
            cause = e;
            if (!closed) {
                LOG.debug("cluster {}: connection to peer {} at {} ended: {}", config.self().name(), peer.name(), peer.address(), e.toString());
            }
        }
        close(lost(cause));
    }

    /** Closes the connection if nothing is in flight and it has been quiet for {@code idle-time}. */
    boolean closeIfIdle(long nowMillis) {
        synchronized (this) {
            if (closed || inFlight > 0 || nowMillis - lastUsedMillis < config.idleTime().toMillis()) {
                return false;
            }
            closed = true;
        }
        close(new PeerUnavailableException(peer.name(), "connection to peer " + peer.name() + " closed as idle", null));
        return true;
    }

    /** Closes the socket and fails every request still waiting with {@code cause}. */
    void close(ClusterException cause) {
        closed = true;
        closeQuietly(socket);
        for (Long id : pending.keySet()) {
            CompletableFuture<byte[]> response = pending.remove(id);
            if (response != null) {
                response.completeExceptionally(cause);
            }
        }
    }

    private void timedOut(long id, String webApp, int type) {
        CompletableFuture<byte[]> response = pending.remove(id);
        if (response == null) {
            return;
        }
        long ms = config.socketTimeout().toMillis();
        LOG.warn("cluster {}: no response from peer {} at {} within socket-timeout {}ms (type {} for web-app {}); "
                + "closing the connection", config.self().name(), peer.name(), peer.address(), ms, type, webApp);
        // Closed before the caller hears of the timeout, so its next request opens a fresh connection. The
        // peer may be stuck, and a writer blocked on its full socket is only freed by closing it.
        close(new PeerUnavailableException(peer.name(), "connection to peer " + peer.name()
                + " closed after a request on it timed out", null));
        response.completeExceptionally(new PeerTimeoutException(peer.name(), "no response from peer " + peer.name()
                + " within socket-timeout " + ms + "ms to request type " + type + " for web-app " + webApp
                + "; it may or may not have run"));
    }

    private synchronized void released() {
        inFlight--;
        lastUsedMillis = clock.millis();
    }

    private PeerUnavailableException lost(Exception cause) {
        return new PeerUnavailableException(peer.name(), "connection to peer " + peer.name() + " at " + peer.address()
                + " was lost before the response" + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }

    static void closeQuietly(Closeable socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is best effort; the socket is abandoned either way
        }
    }
}
