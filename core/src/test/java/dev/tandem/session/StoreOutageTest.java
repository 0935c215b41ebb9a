package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.serial.ClassFilter;
import dev.tandem.serial.Serialization;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.testing.Await;
import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.SharedStoreProvider;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** While the store fails, requests are served from memory; when it works again, what they acknowledged is written. */
class StoreOutageTest {
    private final String storeName = "outage-" + UUID.randomUUID();
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
        store().failing(false);
        server.close();
    }

    private SharedStoreProvider.Shared store() {
        return SharedStoreProvider.store(storeName);
    }

    private String get(TestClient client, String probe) {
        var response = client.get(server.uri("/app/probe/" + probe));
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private Object stored(String id, String name) {
        var record = store().load(id);
        byte[] bytes = record == null ? null : record.attributes().get(name);
        return bytes == null ? null
                : Serialization.KRYO.codec(getClass().getClassLoader(), ClassFilter.of(null)).decode(name, bytes);
    }

    @Test
    void duringAnOutageNewSessionsBeyondTwiceTheMemoryLimitGet503AndUsersWithASessionGoOn() {
        server.close();
        server = Container.JETTY.start(WebApp.at("/app")
                .param("persistent-store", SharedStoreProvider.class.getName())
                .param("shared-name", storeName)
                .param("max-sessions-in-memory", "10")
                .servlet("/probe/*", new ProbeServlet()));
        TestClient user = TestClient.withCookies();
        get(user, "set?name=x&value=1");
        store().failing(true);
        int served = 0;
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            var bot = TestClient.withCookies().get(server.uri("/app/probe/set?name=x&value=bot"));
            if (bot.statusCode() == 200) {
                served++;
            } else {
                assertEquals(503, bot.statusCode(), bot.body());
                assertEquals("30", bot.headers().firstValue("Retry-After").orElse(null));
                refused++;
            }
        }
        assertEquals(19, served, "up to twice max-sessions-in-memory, the user's session included");
        assertEquals(21, refused);
        get(user, "set?name=x&value=2");
        assertEquals("2", get(user, "get?name=x"), "a user with a session goes on");
        store().failing(false);
        Await.until("new sessions are made again once the store took the others", Duration.ofSeconds(30),
                () -> TestClient.withCookies().get(server.uri("/app/probe/set?name=x&value=later")).statusCode() == 200);
    }

    @Test
    void changesMadeDuringAnOutageAreWrittenWhenTheStoreComesBackWithoutAnotherRequest() {
        TestClient client = TestClient.withCookies();
        get(client, "set?name=x&value=1");
        String id = client.cookie("JSESSIONID").orElseThrow();
        store().failing(true);
        for (int i = 2; i <= 5; i++) {
            get(client, "set?name=x&value=" + i);
            assertEquals(String.valueOf(i), get(client, "get?name=x"), "served from memory during the outage");
        }
        store().failing(false);
        Await.until("the last acknowledged value is stored", Duration.ofSeconds(20), () -> "5".equals(stored(id, "x")));
    }

    @Test
    void aSessionInvalidatedDuringAnOutageIsRemovedWhenTheStoreComesBack() {
        TestClient client = TestClient.withCookies();
        get(client, "set?name=x&value=1");
        String id = client.cookie("JSESSIONID").orElseThrow();
        store().failing(true);
        get(client, "invalidate");
        store().failing(false);
        Await.until("the invalidated session is gone from the store", Duration.ofSeconds(20), () -> store().version(id) == 0);
    }

    @Test
    void aChangeThatFailedIsNotWrittenAgainOverANewerVersionSavedSince() {
        TestClient client = TestClient.withCookies();
        get(client, "set?name=x&value=1");
        String id = client.cookie("JSESSIONID").orElseThrow();
        store().failing(true);
        get(client, "set?name=x&value=2"); // served from memory; the failed change waits for a retry
        // Meanwhile another node saves a newer version (the outage was this node's path to the store only).
        long now = System.currentTimeMillis();
        byte[] three = Serialization.KRYO.codec(getClass().getClassLoader(), ClassFilter.of(null)).encode("x", "3");
        store().saveBehindTheNodes(new SessionChange(id, now, now, 1800, Map.of("x", three), Set.of()));
        int before = store().calls().size();

        store().failing(false);
        Await.until("the retry looked at the stored version", Duration.ofSeconds(20),
                () -> store().calls().subList(before, store().calls().size()).contains("version " + id));

        assertEquals("3", stored(id, "x"), "the newer version's value is still stored");
        assertEquals("3", get(client, "get?name=x"), "this node dropped its stale copy and serves the newer version");
        assertEquals("3", stored(id, "x"));
    }
}
