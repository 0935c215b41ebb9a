package dev.tandem.dispatch;

import dev.tandem.cluster.ClusterTopology;
import dev.tandem.session.SessionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One cluster's servers ({@code cluster} or a {@code cluster.NAME}) and how a new request picks one:
 * the balancer over the servers that take new sessions, then over the {@code backup} servers.
 */
final class Pool {
    final String name;
    final List<Backend> backends;
    private final Balancer balancer;

    Pool(String name, ClusterTopology topology, Balancer balancer) {
        this.name = name;
        this.backends = topology.members().stream().map(m -> new Backend(name, m)).toList();
        this.balancer = balancer;
    }

    /** The server a session-id character names, if any. */
    Optional<Backend> byIndexChar(char c) {
        int index = SessionId.indexOf(c);
        return index >= 0 && index < backends.size() ? Optional.of(backends.get(index)) : Optional.empty();
    }

    Optional<Backend> byName(String server) {
        return backends.stream().filter(b -> b.name().equals(server)).findFirst();
    }

    /** A server for a request no session pins, already counted in; null if none will take it. */
    Backend acquire(Set<Backend> excluded, long now) {
        Backend chosen = acquire(false, excluded, now);
        return chosen != null ? chosen : acquire(true, excluded, now);
    }

    private Backend acquire(boolean backups, Set<Backend> excluded, long now) {
        List<Backend> candidates = new ArrayList<>(backends.size());
        for (Backend b : backends) {
            if (b.member.backup() == backups && !b.isDraining() && !excluded.contains(b) && b.selectable(now)) {
                candidates.add(b);
            }
        }
        return candidates.isEmpty() ? null : balancer.acquire(candidates, now);
    }
}
