package dev.tandem.dispatch;

import java.util.List;
import java.util.Map;

/**
 * Picks the server for a request that no session pins. Implementations are thread-safe: many
 * request threads call {@link #acquire} at once.
 */
interface Balancer {
    /**
     * Picks one of {@code candidates} and counts the request in ({@link Backend#tryAcquire}); null if
     * none will take it.
     *
     * @param candidates the pool's servers that may take new sessions now, in list order; never empty
     */
    Backend acquire(List<Backend> candidates, long now);

    static Balancer of(Algorithm algorithm, Map<String, Double> agentMetrics, long reportMaxAgeMillis) {
        return switch (algorithm) {
            case ROUND_ROBIN -> new RoundRobinBalancer();
            case WEIGHTED -> new WeightedBalancer();
            case LEAST_CONNECTIONS -> new LeastConnectionsBalancer();
            case PRIORITY -> new PriorityBalancer();
            case DYNAMIC -> new DynamicBalancer(agentMetrics, reportMaxAgeMillis);
        };
    }
}
