package dev.tandem.cluster;

/**
 * Makes the transport's failures for a simulated transport. Lives in the transport's package only
 * because their constructors are package-private; core could make them public (see the README).
 */
public final class SimulatedFaults {
    private SimulatedFaults() {}

    public static PeerUnavailableException unavailable(String peer) {
        return new PeerUnavailableException(peer, "simulated: peer " + peer + " is down", null);
    }

    /** No answer within socket-timeout: the request may or may not have run on the peer. */
    public static PeerTimeoutException timeout(String peer) {
        return new PeerTimeoutException(peer, "simulated: peer " + peer + " did not answer within socket-timeout");
    }

    /** The peer's handler failed; the message is what it reported. */
    public static RemoteRequestException handlerFailed(String peer, String message) {
        return new RemoteRequestException(peer, RemoteRequestException.Reason.HANDLER_FAILED, message);
    }
}
