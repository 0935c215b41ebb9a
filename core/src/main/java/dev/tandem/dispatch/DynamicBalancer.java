package dev.tandem.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * mod_athena: app nodes push load figures ({@link AgentReport}); each metric is normalised by the
 * largest value reported for it in the pool, the normalised values are combined with the
 * {@code agent-metrics} weights and divided by the server's weight, and the lowest score wins (ties:
 * fewer active requests). Servers without a report younger than the report age limit come after
 * those with one, by least connections.
 */
final class DynamicBalancer implements Balancer {
    private final Map<String, Double> metrics;
    private final long maxAgeMillis;
    private final LeastConnectionsBalancer unreported = new LeastConnectionsBalancer();

    DynamicBalancer(Map<String, Double> metrics, long maxAgeMillis) {
        this.metrics = metrics;
        this.maxAgeMillis = maxAgeMillis;
    }

    @Override
    public <T> T pick(List<Backend> candidates, long now, boolean advance, Function<Backend, T> take) {
        List<Backend> reported = new ArrayList<>();
        List<Backend> silent = new ArrayList<>();
        for (Backend b : candidates) {
            AgentReport r = b.report();
            (r != null && now - r.atMillis() <= maxAgeMillis ? reported : silent).add(b);
        }
        while (!reported.isEmpty()) {
            Backend best = lowest(reported);
            T taken = take.apply(best);
            if (taken != null) {
                return taken;
            }
            reported.remove(best);
        }
        return silent.isEmpty() ? null : unreported.pick(silent, now, advance, take);
    }

    private Backend lowest(List<Backend> reported) {
        Backend best = null;
        double bestScore = Double.MAX_VALUE;
        for (Backend b : reported) {
            double score = score(b, reported);
            if (best == null || score < bestScore || (score == bestScore && b.active() < best.active())) {
                best = b;
                bestScore = score;
            }
        }
        return best;
    }

    private double score(Backend b, List<Backend> pool) {
        double score = 0;
        for (Map.Entry<String, Double> m : metrics.entrySet()) {
            double max = 0;
            for (Backend other : pool) {
                max = Math.max(max, other.report().metrics().getOrDefault(m.getKey(), 0.0));
            }
            if (max > 0) {
                score += m.getValue() * b.report().metrics().getOrDefault(m.getKey(), 0.0) / max;
            }
        }
        return score / b.member.weight();
    }
}
