package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatchConfigTest {
    static DispatchConfig parse(Map<String, String> params) {
        return DispatchConfig.from(params, name -> null);
    }

    @Test
    void defaultsFollowTheDesign() {
        DispatchConfig c = parse(Map.of("cluster", "a=127.0.0.1:8081 b=127.0.0.1:8082"));
        assertEquals(Algorithm.ROUND_ROBIN, c.algorithm());
        assertEquals(Duration.ofSeconds(5), c.connectTimeout());
        assertEquals(Duration.ofSeconds(5), c.idleTime());
        assertEquals(Duration.ofSeconds(15), c.recoverTime());
        assertEquals(Duration.ofSeconds(665), c.socketTimeout());
        assertEquals(2, c.retries());
        assertEquals("JSESSIONID", c.cookieName());
        assertFalse(c.healthCheck().isPresent());
        assertEquals(Rules.DEFAULT_CLUSTER, c.rules().route("/anything"));
    }

    @Test
    void anUnknownParamIsRejectedWithTheListOfKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(Map.of("cluster", "a=127.0.0.1:1", "retry", "3")));
        assertTrue(e.getMessage().contains("unknown init-param 'retry'"), e.getMessage());
        assertTrue(e.getMessage().contains("retries"), e.getMessage());
    }

    @Test
    void errorsNameTheParamAndTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(Map.of("cluster", "a=127.0.0.1:1", "socket-timeout", "soon")))
                .getMessage().contains("socket-timeout must be a duration such as 500ms, 5s, 15m, 2h or a number of seconds, got 'soon'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(Map.of("cluster", "a=127.0.0.1:1", "rules", "^/x -> foo")))
                .getMessage().contains("names cluster 'foo', which is not defined"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(Map.of("cluster", "a=127.0.0.1:1", "algorithm", "random")))
                .getMessage().contains("got 'random'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(Map.of("cluster", "a=127.0.0.1:1", "health-check", "/h")))
                .getMessage().contains("health-check must be PATH INTERVAL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(Map.of("cluster", "a=127.0.0.1:1", "algorithm", "dynamic")))
                .getMessage().contains("cluster-secret"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse(Map.of()))
                .getMessage().contains("cluster is required"));
    }

    @Test
    void rulesPickLocalOrANamedClusterAndTheFirstMatchWins() {
        DispatchConfig c = parse(Map.of("cluster", "a=127.0.0.1:1", "cluster.foo-tier", "f=127.0.0.1:2",
                "rules", "\\.(png|gif|jpg)$ -> local\n^/foo -> foo-tier\n^/foo/x -> local", "health-check", "/health 10s"));
        assertEquals("local", c.rules().route("/img/a.png"));
        assertEquals("foo-tier", c.rules().route("/foo/x"));
        assertEquals("cluster", c.rules().route("/bar"));
        assertEquals(new HealthCheck("/health", Duration.ofSeconds(10), 2), c.healthCheck().orElseThrow());
    }

    @Test
    void theSecretComesFromTheSystemPropertyAndIsMaskedInTheLog() {
        DispatchConfig c = DispatchConfig.from(Map.of("cluster", "a=127.0.0.1:1"),
                name -> name.equals("tandem.cluster-secret") ? "0123456789abcdef0123" : null);
        assertEquals("0123456789abcdef0123", c.clusterSecret().orElseThrow());
        assertFalse(c.describe().contains("0123456789abcdef0123"));
        assertTrue(c.describe().contains("cluster-secret=****"));
    }
}
