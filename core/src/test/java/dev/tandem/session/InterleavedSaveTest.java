package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.serial.ClassFilter;
import dev.tandem.serial.Serialization;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.SharedStoreProvider;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's save is a delta: when another node saved the session since this node's copy was read,
 * the store applies the delta on top and the version jumps by more than one. The copy in memory
 * lacks the other node's change, so the next request must read the store, even where no version
 * check would run (the new version is this copy's own).
 */
class InterleavedSaveTest {
    private final String storeName = "interleaved-" + UUID.randomUUID();
    private RunningServer server;

    @BeforeEach
    void start() {
        server = Container.JETTY.start(WebApp.at("/app")
                .param("persistent-store", SharedStoreProvider.class.getName())
                .param("shared-name", storeName)
                .servlet("/probe/*", new ProbeServlet()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aSaveAppliedOnTopOfAnotherNodesSaveMakesTheNextRequestReadTheOtherNodesChange() {
        TestClient client = TestClient.withCookies();
        get(client, "set?name=x&value=1");
        String id = client.cookie("JSESSIONID").orElseThrow();
        long now = System.currentTimeMillis();
        byte[] two = Serialization.KRYO.codec(getClass().getClassLoader(), ClassFilter.of(null)).encode("y", "2");
        SharedStoreProvider.store(storeName).saveBehindTheNodes(new SessionChange(id, now, now, 1800, Map.of("y", two),
                Set.of()));

        get(client, "set?name=x&value=3"); // the store applies it on top of the other node's save

        assertEquals("2", get(client, "get?name=y"), "the other node's change");
        assertEquals("3", get(client, "get?name=x"), "this node's change");
    }

    private String get(TestClient client, String probe) {
        var response = client.get(server.uri("/app/probe/" + probe));
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
