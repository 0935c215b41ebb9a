package dev.tandem.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {
    private static final String THREE = "app-a=127.0.0.1:6801 app-b=127.0.0.1:6802 app-c=127.0.0.1:6803";

    private static Map<String, String> params(String... keyValues) {
        Map<String, String> m = new HashMap<>(Map.of("cluster", THREE, "server-id", "app-b", "cluster-secret", "xyzzy-42-long-enough-secret"));
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsAreResinsTimeoutsAndSixteenMebibyteFrames() {
        ClusterConfig c = ClusterConfig.parse(params(), k -> null);
        assertEquals("app-b", c.self().name());
        assertEquals(3, c.topology().size());
        assertEquals(Duration.ofSeconds(5), c.connectTimeout());
        assertEquals(Duration.ofSeconds(5), c.idleTime());
        assertEquals(Duration.ofSeconds(15), c.recoverTime());
        assertEquals(Duration.ofSeconds(65), c.socketTimeout());
        assertEquals(Duration.ofSeconds(5), c.handshakeTimeout());
        assertEquals(16 * 1024 * 1024, c.maxFrameSize());
    }

    @Test
    void everySettingCanBeChanged() {
        ClusterConfig c = ClusterConfig.parse(params("connect-timeout", "2s", "idle-time", "500ms", "recover-time", "1m",
                "socket-timeout", "30", "handshake-timeout", "3s", "max-frame-size", "4m"), k -> null);
        assertEquals(Duration.ofSeconds(2), c.connectTimeout());
        assertEquals(Duration.ofMillis(500), c.idleTime());
        assertEquals(Duration.ofMinutes(1), c.recoverTime());
        assertEquals(Duration.ofSeconds(30), c.socketTimeout(), "a bare number is seconds");
        assertEquals(Duration.ofSeconds(3), c.handshakeTimeout());
        assertEquals(4 * 1024 * 1024, c.maxFrameSize());
        assertEquals(65536, ClusterConfig.parse(params("max-frame-size", "65536"), k -> null).maxFrameSize());
        assertEquals(512 * 1024, ClusterConfig.parse(params("max-frame-size", "512KiB"), k -> null).maxFrameSize());
    }

    @Test
    void aMultiServerClusterWithoutASecretIsRefusedWithHowToSetOne() {
        Map<String, String> p = params();
        p.remove("cluster-secret");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parse(p, k -> null));
        assertEquals("cluster-secret is required when cluster has 3 servers; set init-param cluster-secret or "
                + "cluster-secret-file, -Dtandem.cluster-secret or -Dtandem.cluster-secret-file, or environment variable "
                + "TANDEM_CLUSTER_SECRET or TANDEM_CLUSTER_SECRET_FILE", e.getMessage());
        p.put("cluster-secret", "   ");
        assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parse(p, k -> null));
    }

    @Test
    void theSecretMayComeFromTheSystemProperty() {
        Map<String, String> p = params();
        p.remove("cluster-secret");
        Map<String, String> props = Map.of("tandem.cluster-secret", "xyzzy-42-long-enough-secret");
        assertEquals(ClusterConfig.parse(params(), k -> null), ClusterConfig.parse(p, props::get));
        assertNotEquals(ClusterConfig.parse(params(), k -> null),
                ClusterConfig.parse(params("cluster-secret", "another-long-enough-secret"), k -> null));
    }

    @Test
    void aSecretShorterThan16CharactersIsRefusedWhereverItComesFrom() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.parse(params("cluster-secret", "x"), k -> null));
        assertTrue(e.getMessage().startsWith("cluster-secret is too short (1 characters); use at least 16"), e.getMessage());
        Map<String, String> p = params();
        p.remove("cluster-secret");
        assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.parse(p, Map.of("tandem.cluster-secret", "short")::get));
    }

    @Test
    void theSecretMayComeFromAFileSoThatPsDoesNotShowIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("secret");
        java.nio.file.Files.writeString(file, "xyzzy-42-long-enough-secret\n");
        Map<String, String> p = params();
        p.remove("cluster-secret");
        p.put("cluster-secret-file", file.toString());
        assertEquals(ClusterConfig.parse(params(), k -> null), ClusterConfig.parse(p, k -> null));
        Map<String, String> q = params();
        q.remove("cluster-secret");
        assertEquals(ClusterConfig.parse(params(), k -> null),
                ClusterConfig.parse(q, Map.of("tandem.cluster-secret-file", file.toString())::get));
        p.put("cluster-secret-file", dir.resolve("missing").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parse(p, k -> null));
        assertTrue(e.getMessage().startsWith("cluster-secret-file names " + dir.resolve("missing") + ", which cannot be read"),
                e.getMessage());
    }

    @Test
    void aNameFromTheWireGoesIntoALogLineEscapedAndCut() {
        assertEquals("app-b", Handshake.printable("app-b"));
        assertEquals("app-b\\u000a2026-12-08 WARN forged", Handshake.printable("app-b\n2026-12-08 WARN forged"));
        assertEquals("x".repeat(64) + "...", Handshake.printable("x".repeat(1000)));
    }

    @Test
    void aSingleServerNeedsNoSecret() {
        ClusterConfig c = ClusterConfig.parse(Map.of("cluster", "solo=127.0.0.1:6801", "server-id", "solo"), k -> null);
        assertEquals("solo", c.self().name());
    }

    @Test
    void theSecretNeverPrints() {
        ClusterConfig c = ClusterConfig.parse(params(), k -> null);
        assertFalse(c.toString().contains("xyzzy"), c.toString());
        assertTrue(c.toString().contains("cluster-secret=****"), c.toString());
    }

    @Test
    void mistakesNameTheParamAndTheValue() {
        Map<String, String[]> bad = Map.of(
                "connect-timeout", new String[] {"soon", "0s", "-1s"},
                "idle-time", new String[] {"5 minutes"},
                "recover-time", new String[] {"0"},
                "socket-timeout", new String[] {"x"},
                "handshake-timeout", new String[] {"0ms"},
                "max-frame-size", new String[] {"big", "1k", "3g", "99999999999999999999", "-5"});
        bad.forEach((param, values) -> {
            for (String value : values) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ClusterConfig.parse(params(param, value), k -> null), param + "=" + value);
                assertTrue(e.getMessage().startsWith(param) && e.getMessage().contains("'" + value + "'"), e.getMessage());
            }
        });
        Map<String, String> noList = params();
        noList.remove("cluster");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClusterConfig.parse(noList, k -> null))
                .getMessage().startsWith("cluster is not set"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ClusterConfig.parse(params("server-id", "app-z"), k -> null)).getMessage().contains("app-z"));
    }

    @Test
    void theParamNamesAreDeclaredForTheStoreProvider() {
        assertEquals(10, ClusterConfig.PARAMETER_NAMES.size());
        assertTrue(ClusterConfig.PARAMETER_NAMES.contains("cluster-secret-file"));
        assertTrue(ClusterConfig.PARAMETER_NAMES.containsAll(params("connect-timeout", "1s", "idle-time", "1s",
                "recover-time", "1s", "socket-timeout", "1s", "handshake-timeout", "1s", "max-frame-size", "1m").keySet()));
    }
}
