package dev.tandem.cluster;

/**
 * A cluster request that did not get its answer. The subclass says why, which tells the store
 * what it may assume: {@link PeerUnavailableException} (the request surely did not run, or the
 * connection broke under it), {@link PeerTimeoutException} (it may have run) and
 * {@link RemoteRequestException} (the peer answered with an error).
 */
public abstract class ClusterException extends RuntimeException {
    private final String peer;

    ClusterException(String peer, String message, Throwable cause) {
        super(message, cause);
        this.peer = peer;
    }

    /** The server the request was for. */
    public String peer() {
        return peer;
    }
}
