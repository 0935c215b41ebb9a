package dev.tandem.dispatch;

import dev.tandem.cluster.ClusterTopology;
import dev.tandem.session.DurationParam;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The dispatch filter's init-params, read once, checked together and immutable afterwards.
 *
 * @param clusters {@code cluster} under the name {@code "cluster"}, then each {@code cluster.NAME} under NAME
 * @param agentMetrics for {@code algorithm=dynamic}: metric name → weight in the load score
 */
record DispatchConfig(
        Map<String, ClusterTopology> clusters,
        Rules rules,
        Algorithm algorithm,
        Duration connectTimeout,
        Duration idleTime,
        Duration recoverTime,
        Duration socketTimeout,
        Optional<HealthCheck> healthCheck,
        int retries,
        Optional<String> outageUrl,
        Optional<String> statusPath,
        Optional<String> clusterSecret,
        String cookieName,
        Map<String, Double> agentMetrics) {

    static final List<String> KNOWN = List.of("cluster", "cluster.NAME", "rules", "algorithm", "connect-timeout",
            "idle-time", "recover-time", "socket-timeout", "health-check", "retries", "outage-url", "status-path",
            "cluster-secret", "cluster-secret-file", "cookie-name", "agent-metrics");

    /**
     * Reads the params.
     *
     * @param params init-param name → value
     * @param properties system properties ({@code tandem.cluster-secret})
     * @throws IllegalArgumentException naming the param and its value
     */
    static DispatchConfig from(Map<String, String> params, Function<String, String> properties) {
        for (String name : params.keySet()) {
            if (!KNOWN.contains(name) && !(name.startsWith("cluster.") && name.length() > "cluster.".length())) {
                throw new IllegalArgumentException("unknown init-param '" + name + "' for the dispatch filter; known: "
                        + String.join(", ", KNOWN));
            }
        }
        String cluster = params.get("cluster");
        if (cluster == null || cluster.isBlank()) {
            throw new IllegalArgumentException("cluster is required: list the app servers' HTTP addresses in index order, "
                    + "e.g. app-a=10.0.0.1:8080 app-b=10.0.0.2:8080");
        }
        Map<String, ClusterTopology> clusters = new LinkedHashMap<>();
        clusters.put(Rules.DEFAULT_CLUSTER, ClusterTopology.parse("cluster", cluster));
        new TreeSet<>(params.keySet()).stream().filter(n -> n.startsWith("cluster.")).forEach(n -> {
            String name = n.substring("cluster.".length());
            if (!name.matches("[A-Za-z0-9._-]+") || name.equals(Rules.LOCAL) || name.equals(Rules.DEFAULT_CLUSTER)) {
                throw new IllegalArgumentException("init-param '" + n + "': a cluster name is letters, digits, '.', '_' or '-',"
                        + " and not 'local' or 'cluster'");
            }
            clusters.put(name, ClusterTopology.parse(n, params.get(n)));
        });
        Rules rules = Optional.ofNullable(params.get("rules"))
                .map(v -> Rules.parse("rules", v, clusters.keySet())).orElse(Rules.none());
        Algorithm algorithm = Optional.ofNullable(params.get("algorithm")).map(Algorithm::parse).orElse(Algorithm.ROUND_ROBIN);
        Duration connectTimeout = duration(params, "connect-timeout", "5s");
        Duration idleTime = duration(params, "idle-time", "5s");
        Duration recoverTime = duration(params, "recover-time", "15s");
        Duration socketTimeout = duration(params, "socket-timeout", "665s");
        Optional<HealthCheck> healthCheck = Optional.ofNullable(params.get("health-check"))
                .filter(v -> !v.isBlank()).map(v -> HealthCheck.parse("health-check", v));
        int retries = integer(params, "retries", 2);
        Optional<String> outageUrl = Optional.ofNullable(params.get("outage-url")).map(String::trim).filter(v -> !v.isEmpty());
        Optional<String> statusPath = Optional.ofNullable(params.get("status-path")).map(String::trim).filter(v -> !v.isEmpty());
        statusPath.ifPresent(p -> {
            if (!p.startsWith("/") || p.endsWith("/") || p.contains("?")) {
                throw new IllegalArgumentException("status-path must start with '/' and not end with '/', e.g. /tandem-status; got '"
                        + p + "'");
            }
        });
        Optional<String> secret = dev.tandem.cluster.SecretSetting.read(params, properties, System::getenv);
        String cookieName = Optional.ofNullable(params.get("cookie-name")).map(String::trim).filter(v -> !v.isEmpty())
                .orElse("JSESSIONID");
        Map<String, Double> agentMetrics = metrics(params.getOrDefault("agent-metrics", "cpu=1"));
        if (algorithm == Algorithm.DYNAMIC && secret.isEmpty()) {
            throw new IllegalArgumentException("algorithm=dynamic needs cluster-secret, which authenticates the app nodes' "
                    + "load reports; " + dev.tandem.cluster.SecretSetting.howToSet());
        }
        if (algorithm == Algorithm.DYNAMIC && statusPath.isEmpty()) {
            throw new IllegalArgumentException("algorithm=dynamic needs status-path: app nodes push their load to "
                    + "<status-path>/agent");
        }
        if (connectTimeout.isZero() || socketTimeout.isZero() || recoverTime.isZero()) {
            throw new IllegalArgumentException("connect-timeout, socket-timeout and recover-time must be positive; got "
                    + connectTimeout + ", " + socketTimeout + ", " + recoverTime);
        }
        return new DispatchConfig(Map.copyOf(clusters), rules, algorithm, connectTimeout, idleTime, recoverTime,
                socketTimeout, healthCheck, retries, outageUrl, statusPath, secret, cookieName, agentMetrics);
    }

    /**
     * How long a down server's probe request may stay unresolved before it counts as failed and
     * another request may probe: the longest a request without a body waits for the head of an
     * answer, connect-timeout then socket-timeout. Every end of a probe resolves it sooner; this only
     * bounds an end that never comes.
     */
    Duration probeTimeout() {
        return connectTimeout.plus(socketTimeout);
    }

    /** The effective configuration for the start-up log line, the secret masked. */
    String describe() {
        StringBuilder s = new StringBuilder();
        clusters.forEach((name, topology) -> s.append(name).append("=[").append(topology).append("] "));
        s.append("rules=").append(rules)
                .append(" algorithm=").append(algorithm)
                .append(" connect-timeout=").append(connectTimeout.toMillis()).append("ms")
                .append(" idle-time=").append(idleTime.toMillis()).append("ms")
                .append(" recover-time=").append(recoverTime.toMillis()).append("ms")
                .append(" socket-timeout=").append(socketTimeout.toMillis()).append("ms")
                .append(" health-check=").append(healthCheck.map(HealthCheck::toString).orElse("none"))
                .append(" retries=").append(retries)
                .append(" outage-url=").append(outageUrl.orElse("none"))
                .append(" status-path=").append(statusPath.orElse("none"))
                .append(" cluster-secret=").append(clusterSecret.isPresent() ? "****" : "none")
                .append(" cookie-name=").append(cookieName);
        if (algorithm == Algorithm.DYNAMIC) {
            s.append(" agent-metrics=").append(agentMetrics);
        }
        return s.toString();
    }

    private static Duration duration(Map<String, String> params, String name, String otherwise) {
        String v = params.get(name);
        Duration d = DurationParam.parse(name, v == null || v.isBlank() ? otherwise : v, ChronoUnit.SECONDS);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got '" + v + "'");
        }
        return d;
    }

    private static int integer(Map<String, String> params, String name, int otherwise) {
        String v = params.get(name);
        if (v == null || v.isBlank()) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least 0, got '" + v + "'");
    }

    private static Map<String, Double> metrics(String value) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String token : value.trim().split("[\\s,]+")) {
            int eq = token.indexOf('=');
            String name = eq < 0 ? token : token.substring(0, eq);
            double weight;
            try {
                weight = eq < 0 ? 1 : Double.parseDouble(token.substring(eq + 1));
            } catch (NumberFormatException e) {
                weight = -1;
            }
            if (!name.matches("[a-z][a-z0-9_-]*") || weight <= 0 || Double.isNaN(weight) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("agent-metrics must be NAME=WEIGHT pairs such as 'cpu=1 threads=0.5', got '"
                        + token + "' in '" + value + "'");
            }
            metrics.put(name.toLowerCase(Locale.ROOT), weight);
        }
        return Map.copyOf(metrics);
    }
}
