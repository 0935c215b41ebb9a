package dev.tandem.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.net.http.HttpResponse;
import java.util.Map;

/** One node of the app tier: Jetty serving web-app {@code /app} with the probe servlet, on the jdbc store. */
final class AppNode implements AutoCloseable {
    private final RunningServer server;

    private AppNode(RunningServer server) {
        this.server = server;
    }

    static AppNode start(Map<String, String> storeParameters, boolean alwaysLoadSession) {
        WebApp app = WebApp.at("/app")
                .param("persistent-store", "jdbc")
                .param("always-load-session", String.valueOf(alwaysLoadSession))
                .servlet("/probe/*", new ProbeServlet());
        storeParameters.forEach(app::param);
        return new AppNode(Container.JETTY.start(app));
    }

    /** The body of a probe request, such as {@code count} or {@code get?name=user}; fails on a status other than 200. */
    String probe(TestClient client, String probe) {
        HttpResponse<String> response = client.get(server.uri("/app/probe/" + probe));
        assertEquals(200, response.statusCode(), probe + " on port " + server.port() + ": " + response.body());
        return response.body();
    }

    @Override
    public void close() {
        server.close();
    }
}
