package dev.tandem.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * What the cluster store needs from the network, and all it may use: the production
 * implementation is {@link ClusterEndpoint}; a simulator can provide another that drops, delays
 * or reorders messages under a seeded schedule.
 */
public interface ClusterTransport {

    /** The server this JVM is. */
    ClusterMember self();

    /** All servers, in list order (self included). */
    ClusterTopology topology();

    /**
     * Sends a request to {@code peer} for {@code webApp}'s handler there. Never blocks on the
     * network. The future may complete on a transport thread: callbacks must not block (use the
     * {@code *Async} variants for slow work). It fails with
     * <ul>
     *   <li>{@link PeerUnavailableException} at once if the peer is known to be down; else if the
     *       connection could not be opened or authenticated (the peer is then marked down), or was
     *       lost before the response;
     *   <li>{@link PeerTimeoutException} if no response came within {@code socket-timeout} (the
     *       request may have run);
     *   <li>{@link RemoteRequestException} if the peer answered with an error;
     *   <li>{@link IllegalArgumentException} if the request does not fit in {@code max-frame-size}.
     * </ul>
     *
     * @param type the store's message type, 1..239
     * @throws IllegalArgumentException if {@code peer} is not in the topology or {@code type} is out of range
     */
    CompletableFuture<byte[]> request(ClusterMember peer, String webApp, int type, byte[] payload);

    /**
     * False while {@code peer} is known to be down (it failed to connect less than
     * {@code recover-time} ago); true otherwise, including for a peer not contacted yet.
     */
    boolean isUp(ClusterMember peer);

    /**
     * Routes requests for {@code webApp} to {@code handler} until {@link #unregister}.
     *
     * @throws IllegalStateException if a handler is already registered for {@code webApp}
     */
    void register(String webApp, RequestHandler handler);

    /** Stops routing requests for {@code webApp}; peers then get a {@code NO_HANDLER} error. */
    void unregister(String webApp);
}
