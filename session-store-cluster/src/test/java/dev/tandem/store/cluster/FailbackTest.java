package dev.tandem.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.session.SessionId;
import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Jetty servers in this JVM with the session filter and {@code persistent-store=cluster},
 * sticky-style (each request goes where the test sends it) and without always-load-session: a
 * server that cached a session during a failover must not serve that copy after the next one.
 */
class FailbackTest {
    private static final int A = 0;
    private static final int B = 1;
    private static final int C = 2;

    @TempDir
    Path directory;

    private TestCluster cluster;
    private final RunningServer[] servers = new RunningServer[3];

    @AfterEach
    void stopEveryServer() {
        for (int i = 0; i < servers.length; i++) {
            stop(i);
        }
    }

    private void start(int index) {
        WebApp app = WebApp.at("/app").servlet("/probe/*", new ProbeServlet()).param("persistent-store", "cluster");
        cluster.parameters(index).forEach(app::param);
        servers[index] = Container.JETTY.start(app);
    }

    private void stop(int index) {
        if (servers[index] != null) {
            servers[index].close();
            servers[index] = null;
        }
    }

    private String get(TestClient client, int index, String probe) {
        HttpResponse<String> response = client.get(servers[index].uri("/app/probe/" + probe));
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    @Test
    void aServerThatServedASessionDuringAFailoverServesTheOwnersLaterWritesAfterTheNextFailover() {
        cluster = new TestCluster(directory, 3, Map.of());
        start(A);
        start(B);
        start(C);
        TestClient client = sessionOnABackedUpOnB();

        stop(A);
        assertEquals("1", get(client, B, "get?name=x"));
        assertEquals("ok", get(client, B, "set?name=x&value=2")); // B acts as owner and caches the session

        start(A);
        assertEquals("2", get(client, A, "get?name=x"), "the restarted owner takes B's newer copy");
        assertEquals("ok", get(client, A, "set?name=x&value=3")); // backed up on B, which drops its cached copy

        stop(A);
        assertEquals("3", get(client, B, "get?name=x"));
    }

    /** A picks the backup at random among its live peers: make sessions until one is backed up on B. */
    private TestClient sessionOnABackedUpOnB() {
        for (int attempt = 0; attempt < 64; attempt++) {
            TestClient client = TestClient.withCookies();
            assertEquals("ok", get(client, A, "set?name=x&value=1"));
            String id = client.cookie("JSESSIONID").orElseThrow();
            assertEquals(A, SessionId.ownerIndex(id));
            if (SessionId.backupIndex(id) == B) {
                return client;
            }
        }
        throw new AssertionError("A never picked B as a backup in 64 sessions");
    }
}
