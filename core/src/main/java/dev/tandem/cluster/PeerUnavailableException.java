package dev.tandem.cluster;

/**
 * The peer could not be reached: it failed to connect or to authenticate (then it is marked down
 * and calls fail at once until {@code recover-time} has passed), or the connection was lost before
 * the response came.
 */
public final class PeerUnavailableException extends ClusterException {
    PeerUnavailableException(String peer, String message, Throwable cause) {
        super(peer, message, cause);
    }
}
