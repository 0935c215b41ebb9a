package dev.tandem.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * The network addresses of the servers in the cluster list: a connection from any other address
 * is closed before it may take a handshake slot, so that a client without the secret cannot hold
 * them all. Names are resolved at start and again, at most every {@value #RESOLVE_MILLIS} ms, when
 * a connection comes from an address not known yet (a peer whose DNS name moved).
 */
final class PeerAddresses {
    static final long RESOLVE_MILLIS = 10_000;

    private final ClusterTopology topology;
    private final Clock clock;
    private Set<InetAddress> known; // guarded by this
    private long resolvedAtMillis; // guarded by this

    PeerAddresses(ClusterTopology topology, Clock clock) {
        this.topology = topology;
        this.clock = clock;
        this.known = resolve();
        this.resolvedAtMillis = clock.millis();
    }

    synchronized boolean admits(InetAddress address) {
        if (known.contains(address)) {
            return true;
        }
        long now = clock.millis();
        if (now - resolvedAtMillis >= RESOLVE_MILLIS) {
            resolvedAtMillis = now;
            known = resolve();
        }
        return known.contains(address);
    }

    private Set<InetAddress> resolve() {
        Set<InetAddress> addresses = new HashSet<>();
        for (ClusterMember m : topology.members()) {
            try {
                addresses.addAll(Set.of(InetAddress.getAllByName(m.host())));
            } catch (UnknownHostException e) {
                // Not resolvable now: its connections are refused until it is.
            }
        }
        return addresses;
    }
}
