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
}
