package dev.tandem.dispatch;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Picks the server for a request that no session pins. Implementations are thread-safe: many
 * request threads call {@link #pick} at once.
 */
interface Balancer {
    /**
     * Offers {@code candidates} to {@code take} in this balancer's order until it accepts one, and
     * returns what it returned. {@link Pool} passes {@link Backend#tryAcquire} to count a request in,
     * or {@link Backend#wouldTake} to answer which server a request would get; one order serves
     * both, so the answer is the server the next request gets.
     *
     * @param candidates the pool's servers that may take new sessions now, in list order; never empty
     * @param advance whether to move on (a turn, a weight) as a request does; false changes nothing
     * @param take a server's acceptance, or null to offer the next
     * @return what {@code take} returned for the server it accepted; null if it accepted none
     */
    <T> T pick(List<Backend> candidates, long now, boolean advance, Function<Backend, T> take);

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
