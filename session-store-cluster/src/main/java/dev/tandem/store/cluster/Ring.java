package dev.tandem.store.cluster;

import dev.tandem.cluster.ClusterMember;
import dev.tandem.cluster.ClusterTopology;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a session lives after failures (DESIGN.md, "The cluster"): its owner, then its backup,
 * then the servers after the backup in list order, wrapping around. Every server appears once, so
 * any node can walk the ring to the first live one without a directory.
 */
final class Ring {

    private Ring() {}

    static List<ClusterMember> of(String id, ClusterTopology topology) {
        List<ClusterMember> members = topology.members();
        int size = members.size();
        // An id minted under a longer server list names a server we do not know: start at the first.
        int owner = topology.byIndexChar(id.charAt(0)).map(ClusterMember::index).orElse(0);
        int backup = topology.byIndexChar(id.charAt(1)).map(ClusterMember::index).orElse(owner);
        List<ClusterMember> ring = new ArrayList<>(size);
        ring.add(members.get(owner));
        for (int i = 0; i < size; i++) {
            ClusterMember m = members.get((backup + i) % size);
            if (!ring.contains(m)) {
                ring.add(m);
            }
        }
        return ring;
    }

    /** The servers after {@code self} on the ring, wrapping around: where {@code self} backs up as acting owner. */
    static List<ClusterMember> after(List<ClusterMember> ring, ClusterMember self) {
        int at = ring.indexOf(self);
        List<ClusterMember> next = new ArrayList<>(ring.size());
        for (int i = 1; i < ring.size(); i++) {
            next.add(ring.get((at + i) % ring.size()));
        }
        return next;
    }
}
