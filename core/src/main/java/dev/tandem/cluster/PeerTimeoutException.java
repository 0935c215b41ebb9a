package dev.tandem.cluster;

/**
 * No response within {@code socket-timeout}. The request may or may not have run on the peer; the
 * connection it was sent on has been closed.
 */
public final class PeerTimeoutException extends ClusterException {
    PeerTimeoutException(String peer, String message) {
        super(peer, message, null);
    }
}
