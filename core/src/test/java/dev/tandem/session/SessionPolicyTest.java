package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.Await;
import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.SessionEvents;
import dev.tandem.testing.SharedStoreProvider;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The save and load policies (always-save-session, always-load-session, save-only-on-shutdown,
 * graceful stop, eviction) and the session cookie, on each container. Nodes share one store.
 */
class SessionPolicyTest {
    private final String storeName = "policy-" + UUID.randomUUID();
    private final List<RunningServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(RunningServer::close);
    }

    private RunningServer node(Container container, String... params) {
        WebApp app = WebApp.at("/app")
                .param("persistent-store", SharedStoreProvider.class.getName())
                .param("shared-name", storeName)
                .param("reaper-interval", "100ms")
                .servlet("/probe/*", new ProbeServlet());
        for (int i = 0; i < params.length; i += 2) {
            app.param(params[i], params[i + 1]);
        }
        RunningServer server = container.start(app);
        servers.add(server);
        return server;
    }

    private static String get(TestClient client, RunningServer server, String probe) {
        HttpResponse<String> response = client.get(server.uri("/app/probe/" + probe));
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void alwaysSaveSessionSavesAnObjectMutatedInPlace(Container container) {
        RunningServer a = node(container, "always-save-session", "true");
        RunningServer b = node(container);
        TestClient client = TestClient.withCookies();
        for (int i = 1; i <= 3; i++) {
            assertEquals(String.valueOf(i), get(client, a, "count?inplace=1"));
        }
        assertEquals("3", get(client, b, "get?name=counter"));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void withoutAlwaysSaveSessionAnInPlaceChangeIsNotSavedUntilTheWebAppStops(Container container) {
        RunningServer a = node(container);
        RunningServer b = node(container);
        TestClient client = TestClient.withCookies();
        for (int i = 1; i <= 3; i++) {
            assertEquals(String.valueOf(i), get(client, a, "count?inplace=1"));
        }
        assertEquals("1", get(client, b, "get?name=counter"), "only the setAttribute of the first request was saved");
        a.close();
        servers.remove(a);
        RunningServer c = node(container);
        assertEquals("3", get(client, c, "get?name=counter"), "a graceful stop saves what changed in place");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void alwaysLoadSessionSeesWhatAnotherNodeChanged(Container container) {
        RunningServer a = node(container, "always-load-session", "true");
        RunningServer b = node(container, "always-load-session", "true");
        TestClient client = TestClient.withCookies();
        get(client, a, "set?name=x&value=1");
        assertEquals("1", get(client, b, "get?name=x"));
        get(client, b, "set?name=x&value=2");
        assertEquals("2", get(client, a, "get?name=x"));
        get(client, a, "set?name=x&value=3");
        assertEquals("3", get(client, b, "get?name=x"));
        get(client, b, "invalidate");
        assertEquals("no session", get(client, a, "get?name=x"), "an invalidation elsewhere is seen too");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void saveOnlyOnShutdownWritesTheStoreOnlyWhenTheWebAppStops(Container container) {
        RunningServer a = node(container, "save-only-on-shutdown", "true");
        TestClient client = TestClient.withCookies();
        get(client, a, "set?name=x&value=kept");
        String id = client.cookie("JSESSIONID").orElseThrow();
        assertEquals(0, SharedStoreProvider.store(storeName).version(id));
        a.close();
        servers.remove(a);
        assertTrue(SharedStoreProvider.store(storeName).version(id) > 0);
        RunningServer b = node(container);
        assertEquals("kept", get(client, b, "get?name=x"));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void sessionsBeyondMaxSessionsInMemoryArePassivatedAndComeBackIntact(Container container) {
        RunningServer a = node(container, "max-sessions-in-memory", "2");
        List<TestClient> clients = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            TestClient client = TestClient.withCookies();
            get(client, a, "set-activated?name=a&value=v" + i);
            clients.add(client);
            ids.add(client.cookie("JSESSIONID").orElseThrow());
        }
        Await.until("the first session was passivated", Duration.ofSeconds(10),
                () -> SessionEvents.of(ids.get(0)).contains("sessionWillPassivate"));
        assertEquals("v0", get(clients.get(0), a, "get-activated?name=a"));
        assertTrue(SessionEvents.of(ids.get(0)).contains("sessionDidActivate"));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theSessionCookieFollowsTheContainersCookieConfig(Container container) {
        RunningServer server = container.start(WebApp.at("/shop")
                .param("persistent-store", "memory")
                .containerCookieName("SHOPSESSION")
                .containerCookieAttribute("SameSite", "Strict")
                .servlet("/probe/*", new ProbeServlet()));
        servers.add(server);
        HttpResponse<String> response = TestClient.withCookies().get(server.uri("/shop/probe/set?name=x&value=1"));
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith("SHOPSESSION="), setCookie);
        assertTrue(setCookie.contains("Path=/shop"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void cookieNameOverridesTheContainersName(Container container) {
        RunningServer server = container.start(WebApp.at("")
                .param("persistent-store", "memory")
                .param("cookie-name", "TANDEM")
                .servlet("/probe/*", new ProbeServlet()));
        servers.add(server);
        TestClient client = TestClient.withCookies();
        URI set = server.uri("/probe/set?name=x&value=1");
        String setCookie = client.get(set).headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith("TANDEM="), setCookie);
        assertTrue(setCookie.contains("Path=/"), setCookie);
        assertEquals("1", client.get(server.uri("/probe/get?name=x")).body());
    }
}
