package dev.tandem.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterTopologyTest {

    @Test
    void orderGivesEachServerItsIndex() {
        ClusterTopology t = ClusterTopology.parse("cluster", "app-a=127.0.0.1:6801 app-b=127.0.0.1:6802,\napp-c=localhost:6803");
        assertEquals(3, t.size());
        assertEquals("app-b", t.byIndexChar('b').orElseThrow().name());
        assertEquals(6803, t.byIndexChar('c').orElseThrow().port());
        assertTrue(t.byIndexChar('d').isEmpty());
        assertTrue(t.byIndexChar('%').isEmpty());
        assertEquals('c', t.byName("app-c").orElseThrow().indexChar());
    }

    @Test
    void optionsApplyToTheServerBeforeThem() {
        ClusterTopology t = ClusterTopology.parse("cluster",
                "a=127.0.0.1:8081 weight=5 max-connections=200 min-connections=150 b=127.0.0.1:8082 spare=[::1]:8083 backup max-connections=10");
        ClusterMember a = t.members().get(0);
        assertEquals(5, a.weight());
        assertEquals(200, a.maxConnections().getAsInt());
        assertEquals(150, a.minConnections().getAsInt());
        assertEquals(1, t.members().get(1).weight());
        ClusterMember spare = t.members().get(2);
        assertTrue(spare.backup());
        assertEquals("::1", spare.host());
        assertEquals("[::1]:8083", spare.address());
        assertEquals(10, spare.minConnections().getAsInt(), "min-connections defaults to max-connections");
    }

    @Test
    void mistakesAreNamedWithTheExpectedForm() {
        for (String bad : new String[] {"", "a", "a=host", "a=host:x", "a=host:70000", "weight=2 a=h:1", "a=h:1 a=h:2",
                "a=h:1 weight=0", "a=h:1 backup=yes", "a=h:1 min-connections=5", "a=h:1 max-connections=5 min-connections=6",
                "a/b=h:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterTopology.parse("cluster", bad), bad);
            assertTrue(e.getMessage().startsWith("cluster"), e.getMessage());
        }
    }

    @Test
    void thisServerComesFromTheParamThenThePropertyThenTheEnvironment() {
        ClusterTopology t = ClusterTopology.parse("cluster", "app-a=127.0.0.1:1 app-b=127.0.0.1:2");
        Map<String, String> props = Map.of("tandem.server-id", "app-b");
        Map<String, String> env = Map.of("TANDEM_SERVER_ID", "app-a");
        assertEquals("app-a", t.self(Optional.of("app-a"), props::get, env::get).name());
        assertEquals("app-b", t.self(Optional.empty(), props::get, env::get).name());
        assertEquals("app-a", t.self(Optional.empty(), k -> null, env::get).name());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> t.self(Optional.empty(), k -> null, k -> null));
        assertTrue(none.getMessage().contains("server-id") && none.getMessage().contains("app-b"));
        assertThrows(IllegalArgumentException.class, () -> t.self(Optional.of("app-z"), k -> null, k -> null));
    }
}
