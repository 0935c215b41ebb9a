package dev.tandem.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This JVM's node of the cluster: it listens on its server's cluster port, authenticates every
 * connection, runs the requests peers send to the web-apps registered here, and sends this
 * JVM's requests to peers over pooled connections. One per JVM and listening address, shared by
 * every web-app in the JVM: {@link #acquire} it when a web-app starts, {@link #release} it when
 * the web-app stops; the last release closes it.
 */
public final class ClusterEndpoint implements ClusterTransport {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterEndpoint.class);

    /** Unauthenticated connections at once; more are closed at once, so a flood cannot exhaust threads. */
    static final int MAX_HANDSHAKES = 64;
    /**
     * Handshakes under way from one address: a peer opens at most {@link PeerPool#MAX_CONNECTIONS}
     * connections at once, so this leaves room for several servers on one machine.
     */
    static final int MAX_HANDSHAKES_PER_ADDRESS = 16;
    private static final long STRANGER_WARNING_INTERVAL_MILLIS = 60_000;
    static final int HANDLER_QUEUE = 1024;

    private static final Map<String, ClusterEndpoint> OPEN = new HashMap<>(); // guarded by ClusterEndpoint.class

    private final ClusterConfig config;
    private final Clock clock;
    private final ServerSocket serverSocket;
    private final Map<String, RequestHandler> handlers = new ConcurrentHashMap<>();
    private final Map<String, PeerPool> pools = new HashMap<>();
    private final Set<InboundConnection> inbound = ConcurrentHashMap.newKeySet();
    private final Semaphore handshakes = new Semaphore(MAX_HANDSHAKES);
    private final Map<InetAddress, Integer> handshakesByAddress = new HashMap<>(); // guarded by itself
    private final PeerAddresses peerAddresses;
    private long lastStrangerWarning = Long.MIN_VALUE / 2; // the acceptor thread's
    private final ThreadPoolExecutor handlerPool;
    private final ScheduledExecutorService scheduler;
    private final Thread acceptor;
    private volatile boolean closed;
    private int references; // guarded by ClusterEndpoint.class

    private ClusterEndpoint(ClusterConfig config, Clock clock, ServerSocket serverSocket) {
        this.config = config;
        this.clock = clock;
        this.serverSocket = serverSocket;
        this.peerAddresses = new PeerAddresses(config.topology(), clock);
        String self = config.self().name();
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        this.handlerPool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(HANDLER_QUEUE), daemon("tandem-cluster-" + self + "-handler-"));
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, daemon("tandem-cluster-" + self + "-timer-"));
        // Every request schedules a timeout and nearly all are cancelled: drop them at once.
        timers.setRemoveOnCancelPolicy(true);
        this.scheduler = timers;
        for (ClusterMember m : config.topology().members()) {
            pools.put(m.name(), new PeerPool(m, config, scheduler, clock));
        }
        this.acceptor = new Thread(this::accept, "tandem-cluster-" + self + "-accept");
        acceptor.setDaemon(true);
    }

    /**
     * The endpoint for {@code config}'s server, opened on first use.
     *
     * @throws IllegalArgumentException if an endpoint on the same address is open with other settings
     * @throws UncheckedIOException if the cluster port cannot be opened
     */
    public static ClusterEndpoint acquire(ClusterConfig config) {
        synchronized (ClusterEndpoint.class) {
            String key = config.self().address();
            ClusterEndpoint endpoint = OPEN.get(key);
            if (endpoint == null) {
                endpoint = start(config, Clock.systemUTC(), bind(config.self()));
                OPEN.put(key, endpoint);
            } else if (!endpoint.config.equals(config)) {
                throw new IllegalArgumentException("the cluster endpoint on " + key + " is already open with other "
                        + "settings (" + endpoint.config + "); every web-app in a JVM must give the same cluster params");
            }
            endpoint.references++;
            return endpoint;
        }
    }

    /** Lets go of an endpoint from {@link #acquire}; the last release closes it. */
    public void release() {
        synchronized (ClusterEndpoint.class) {
            if (references <= 0) {
                throw new IllegalStateException("the cluster endpoint of " + config.self().name() + " was released more "
                        + "often than acquired");
            }
            if (--references > 0) {
                return;
            }
            OPEN.remove(config.self().address(), this);
        }
        close();
    }

    /** Starts an endpoint outside the registry on an already bound socket; tests close it themselves. */
    static ClusterEndpoint start(ClusterConfig config, Clock clock, ServerSocket serverSocket) {
        ClusterEndpoint endpoint = new ClusterEndpoint(config, clock, serverSocket);
        endpoint.acceptor.start();
        long sweep = Math.max(50, config.idleTime().toMillis() / 2);
        endpoint.scheduler.scheduleWithFixedDelay(endpoint::closeIdle, sweep, sweep, TimeUnit.MILLISECONDS);
        LOG.info("cluster {}: listening on {}; {}", config.self().name(), serverSocket.getLocalSocketAddress(), config);
        return endpoint;
    }

    private static ServerSocket bind(ClusterMember self) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(self.host(), self.port()), 128);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the cluster port of server " + self.name() + " at "
                    + self.address() + ": " + e.getMessage() + "; is another process using it, or is the address "
                    + "not this machine's?", e);
        }
    }

    @Override
    public ClusterMember self() {
        return config.self();
    }

    @Override
    public ClusterTopology topology() {
        return config.topology();
    }

    public ClusterConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<byte[]> request(ClusterMember peer, String webApp, int type, byte[] payload) {
        Objects.requireNonNull(webApp, "webApp");
        Objects.requireNonNull(payload, "payload");
        if (!Frame.isRequest(type)) {
            throw new IllegalArgumentException("message type " + type + " is outside " + Frame.MIN_REQUEST_TYPE + ".."
                    + Frame.MAX_REQUEST_TYPE + "; the types above are the transport's own");
        }
        PeerPool pool = pool(peer);
        long length = Frame.HEADER + 2L + webApp.getBytes(StandardCharsets.UTF_8).length + payload.length;
        if (length > config.maxFrameSize()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("a request of " + payload.length
                    + " bytes to " + peer.name() + " exceeds max-frame-size " + config.maxFrameSize()
                    + "; raise max-frame-size on every server"));
        }
        return pool.request(webApp, type, payload);
    }

    @Override
    public boolean isUp(ClusterMember peer) {
        return pool(peer).isUp();
    }

    @Override
    public void register(String webApp, RequestHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (handlers.putIfAbsent(webApp, handler) != null) {
            throw new IllegalStateException("web-app " + webApp + " already has a cluster handler on server "
                    + config.self().name() + "; two web-apps in one JVM need different names");
        }
    }

    @Override
    public void unregister(String webApp) {
        handlers.remove(webApp);
    }

    /** Open connections from this endpoint to {@code peer}. */
    int openConnections(ClusterMember peer) {
        return pool(peer).openConnections();
    }

    /** Stops listening, drops every connection and fails every request still waiting. */
    void close() {
        closed = true;
        OutboundConnection.closeQuietly(serverSocket);
        for (InboundConnection c : inbound) {
            c.close();
        }
        for (PeerPool pool : pools.values()) {
            pool.close();
        }
        handlerPool.shutdownNow();
        scheduler.shutdownNow();
        try {
            // The port is only free once the thread blocked in accept() has let go of it.
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("cluster {}: closed", config.self().name());
    }

    /** An inbound connection from {@code peer} authenticated: the peer is running. */
    void peerConnected(ClusterMember peer) {
        pool(peer).connectedToUs();
    }

    private PeerPool pool(ClusterMember peer) {
        PeerPool pool = pools.get(peer.name());
        if (pool == null) {
            throw new IllegalArgumentException("server '" + peer.name() + "' is not in the cluster list: "
                    + config.topology());
        }
        return pool;
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    // Such as too many open files: keep serving, without spinning on the error.
                    LOG.warn("cluster {}: accepting a connection failed: {}", config.self().name(), e.toString());
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
                continue;
            }
            InetAddress from = socket.getInetAddress();
            if (!peerAddresses.admits(from)) {
                refusedStranger(from);
                OutboundConnection.closeQuietly(socket);
                continue;
            }
            if (!startHandshake(from)) {
                LOG.debug("cluster {}: {} handshakes under way (at most {} from one address); dropped connection "
                        + "from {}", config.self().name(), MAX_HANDSHAKES, MAX_HANDSHAKES_PER_ADDRESS,
                        socket.getRemoteSocketAddress());
                OutboundConnection.closeQuietly(socket);
                continue;
            }
            InboundConnection connection = new InboundConnection(this, socket);
            inbound.add(connection);
            Thread thread = new Thread(connection, "tandem-cluster-" + config.self().name() + "-from-"
                    + socket.getRemoteSocketAddress());
            thread.setDaemon(true);
            thread.start();
            if (closed) {
                connection.close();
            }
        }
    }

    private void closeIdle() {
        // A scheduled task that throws is never run again: catch everything.
        try {
            long now = clock.millis();
            for (PeerPool pool : pools.values()) {
                pool.closeIdle(now);
            }
        } catch (RuntimeException e) {
            LOG.warn("cluster {}: closing idle connections failed: {}", config.self().name(), e.toString(), e);
        }
    }

    RequestHandler handler(String webApp) {
        return handlers.get(webApp);
    }

    ExecutorService handlerPool() {
        return handlerPool;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Takes a handshake slot for a connection from {@code from}: one of all, and one of its address's. */
    private boolean startHandshake(InetAddress from) {
        synchronized (handshakesByAddress) {
            int n = handshakesByAddress.getOrDefault(from, 0);
            if (n >= MAX_HANDSHAKES_PER_ADDRESS || !handshakes.tryAcquire()) {
                return false;
            }
            handshakesByAddress.put(from, n + 1);
            return true;
        }
    }

    private void refusedStranger(InetAddress from) {
        long now = clock.millis();
        if (now - lastStrangerWarning > STRANGER_WARNING_INTERVAL_MILLIS) {
            lastStrangerWarning = now;
            LOG.warn("cluster {}: refused a connection from {}: not an address of any server in the cluster list "
                    + "(logged once a minute)", config.self().name(), from.getHostAddress());
        }
    }

    void handshakeDone(InetAddress from) {
        synchronized (handshakesByAddress) {
            handshakesByAddress.computeIfPresent(from, (a, n) -> n == 1 ? null : n - 1);
        }
        handshakes.release();
    }

    void closed(InboundConnection connection) {
        inbound.remove(connection);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
