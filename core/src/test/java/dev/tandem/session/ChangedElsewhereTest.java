package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.SharedStoreProvider;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Without always-load-session each node serves its cached copy; a store that reports a change made
 * elsewhere (StoreContext's SessionChangeListener) makes the node read the stored version instead.
 */
class ChangedElsewhereTest {
    private final String storeName = "changed-elsewhere-" + UUID.randomUUID();
    private final ProbeServlet probeA = new ProbeServlet();
    private RunningServer a;
    private RunningServer b;

    @BeforeEach
    void start() {
        a = Container.JETTY.start(app(probeA));
        b = Container.JETTY.start(app(new ProbeServlet()));
    }

    private WebApp app(ProbeServlet probe) {
        return WebApp.at("/app")
                .param("persistent-store", SharedStoreProvider.class.getName())
                .param("shared-name", storeName)
                .servlet("/probe/*", probe);
    }

    @AfterEach
    void stop() {
        probeA.hold.countDown();
        a.close();
        b.close();
    }

    private static String get(TestClient client, RunningServer node, String probe) {
        HttpResponse<String> response = client.get(node.uri("/app/probe/" + probe));
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    @Test
    void aNodeToldOfAChangeElsewhereServesTheStoredVersionOnTheNextRequest() {
        TestClient client = TestClient.withCookies();
        get(client, a, "set?name=x&value=1");
        get(client, b, "set?name=x&value=2");
        assertEquals("1", get(client, a, "get?name=x"), "a serves its cached copy while nobody tells it");

        SharedStoreProvider.store(storeName).changedElsewhere(client.cookie("JSESSIONID").orElseThrow());

        assertEquals("2", get(client, a, "get?name=x"));
    }

    @Test
    void aSessionInUseWhenTheChangeIsReportedIsReloadedByTheNextRequestAndKeepsTheRequestsWrite() throws Exception {
        TestClient client = TestClient.withCookies();
        get(client, a, "set?name=x&value=1");
        String id = client.cookie("JSESSIONID").orElseThrow();
        probeA.hold = new CountDownLatch(1);
        HttpResponse<InputStream> held = client.open(a.uri("/app/probe/set-then-flush?name=y&value=held"));
        try {
            assertEquals(200, held.statusCode()); // a's request uses the session until the hold is released
            get(client, b, "set?name=x&value=2");
            SharedStoreProvider.store(storeName).changedElsewhere(id);
        } finally {
            probeA.hold.countDown();
            held.body().readAllBytes();
            held.body().close();
        }

        assertEquals("2", get(client, a, "get?name=x"), "the change made on b");
        assertEquals("held", get(client, a, "get?name=y"), "the held request's own write");
    }
}
