package dev.tandem.dispatch;

import dev.tandem.cluster.ClusterTopology;
import dev.tandem.session.SessionId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One cluster's servers ({@code cluster} or a {@code cluster.NAME}) and how a new request picks one:
 * the balancer over the servers that take new sessions, then over the {@code backup} servers.
 */
final class Pool {
    final String name;
    final List<Backend> backends;
    private final Balancer balancer;

    /** @param probeTimeout how long a down server's unresolved probe request keeps others from probing it */
    Pool(String name, ClusterTopology topology, Balancer balancer, Duration probeTimeout) {
        this.name = name;
        this.backends = topology.members().stream().map(m -> new Backend(name, m, probeTimeout.toMillis())).toList();
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

    /**
     * A server for a request no session pins, already counted in: its lease, which the caller must
     * end; null if none will take it.
     */
    Lease acquire(Set<Backend> excluded, long now) {
        return pick(excluded, now, true, b -> b.tryAcquire(now, false));
    }

    /**
     * The server {@link #acquire} would pick now, for the status page: nothing is counted in, no
     * turn is taken and no probe is started, so asking cannot change what the next request gets.
     */
    Backend wouldChoose(long now) {
        return pick(Set.of(), now, false, b -> b.wouldTake(now, false) ? b : null);
    }

    private <T> T pick(Set<Backend> excluded, long now, boolean advance, Function<Backend, T> take) {
        T chosen = pick(false, excluded, now, advance, take);
        return chosen != null ? chosen : pick(true, excluded, now, advance, take);
    }

    private <T> T pick(boolean backups, Set<Backend> excluded, long now, boolean advance, Function<Backend, T> take) {
        List<Backend> candidates = new ArrayList<>(backends.size());
        for (Backend b : backends) {
            if (b.member.backup() == backups && !b.isDraining() && !excluded.contains(b) && b.selectable(now)) {
                candidates.add(b);
            }
        }
        return candidates.isEmpty() ? null : balancer.pick(candidates, now, advance, take);
    }
}
