package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class FailoverTest {
    final TestClient client = TestClient.withoutCookies();

    /** A port nothing listens on: connections to it are refused. */
    static int deadPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void whenEveryServerIsDownTheClientGets503OrTheOutageUrl() {
        String dead = "a=127.0.0.1:" + deadPort() + " b=127.0.0.1:" + deadPort();
        try (WebTier plain = WebTier.with("cluster", dead).start();
                WebTier redirecting = WebTier.with("cluster", dead).param("outage-url", "https://status.example/").start()) {
            assertEquals(503, client.get(plain.uri("/x")).statusCode());
            assertEquals(503, client.get(plain.uri("/x")).statusCode());
            HttpResponse<String> r = client.get(redirecting.uri("/x"));
            assertEquals(302, r.statusCode());
            assertEquals("https://status.example/", r.headers().firstValue("Location").orElseThrow());
        }
    }

    @Test
    void aHungServerGets504AfterTheSocketTimeout() {
        try (AppNode a = AppNode.start("a");
                WebTier web = WebTier.with("cluster", a.entry()).param("socket-timeout", "1s").start()) {
            assertEquals(504, client.get(web.uri("/hold/never")).statusCode());
            assertEquals("a /next", client.get(web.uri("/next")).body());
        }
    }

    @Test
    void aGetIsRetriedOnTheNextServerWhenTheConnectionIsRefused() {
        try (AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", "a=127.0.0.1:" + deadPort() + " " + b.entry()).start()) {
            for (int i = 0; i < 6; i++) {
                assertEquals("b /r", client.get(web.uri("/r")).body());
            }
            assertEquals("b /r", client.get(web.uri("/r"), "JSESSIONID=ab").body());
        }
    }

    @Test
    void aPostWhoseConnectionWasRefusedIsSentWholeToTheNextServer() {
        try (AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", "a=127.0.0.1:" + deadPort() + " " + b.entry()).start()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(web.uri("/upload"))
                    .header("Cookie", "JSESSIONID=ab").POST(HttpRequest.BodyPublishers.ofByteArray(new byte[300_000])).build());
            assertEquals("b read 300000", r.body());
        }
    }

    @Test
    void aPostWhoseBodyWasSentIsNeverSentTwiceButAGetIsRetried() throws Exception {
        try (Dropper dropper = new Dropper(); AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", "a=127.0.0.1:" + dropper.port() + " " + b.entry()).start()) {
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(web.uri("/upload"))
                    .header("Cookie", "JSESSIONID=ab").POST(HttpRequest.BodyPublishers.ofString("once")).build());
            assertEquals(502, post.statusCode());
            assertEquals(1, dropper.requests.get());
            assertEquals(0, b.posts.get());
            assertEquals("b /g", client.get(web.uri("/g"), "JSESSIONID=ab").body());
            assertEquals(2, dropper.requests.get());
        }
    }

    @Test
    void aServerThatWasDownGetsAProbeAfterRecoverTimeAndTrafficAgainWhenItAnswers() {
        int port = deadPort();
        try (AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", "a=127.0.0.1:" + port + " " + b.entry()).param("recover-time", "1s").start()) {
            assertEquals("b /p", client.get(web.uri("/p")).body());
            assertEquals("b /p", client.get(web.uri("/p")).body());
            try (WebTier revived = WebTier.with("cluster", "x=127.0.0.1:1").param("rules", ". -> local").start(port)) {
                Await.until("the revived server gets traffic again", Duration.ofSeconds(20),
                        () -> client.get(web.uri("/p")).body().equals("local /p"));
                assertTrue(web.filter.statusJson().contains("\"name\":\"a\",\"index\":\"a\",\"address\":\"127.0.0.1:" + port
                        + "\",\"state\":\"up\""), web.filter.statusJson());
            }
        }
    }

    @Test
    void activeHealthChecksFindADeadServerWithoutUserTraffic() {
        try (AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", "a=127.0.0.1:" + deadPort() + " " + b.entry())
                        .param("health-check", "/health 200ms 2").start()) {
            Await.until("a is down and b was checked good", Duration.ofSeconds(20), () -> {
                String json = web.filter.statusJson();
                return json.contains("\"name\":\"a\",\"index\":\"a\"") && json.matches(".*\"name\":\"a\"[^}]*\"state\":\"down\".*")
                        && json.matches(".*\"name\":\"b\"[^}]*\"state\":\"up\"[^}]*\"lastCheckGood\":true.*");
            });
        }
    }

    /** A server that reads a request's head and some body, then closes the connection without answering. */
    static final class Dropper implements AutoCloseable {
        final AtomicInteger requests = new AtomicInteger();
        private final ServerSocket server;
        private final Thread thread;

        Dropper() throws IOException {
            server = new ServerSocket(0);
            thread = new Thread(this::run, "dropper");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void run() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buffer = new byte[8192];
                    int n = in.read(buffer);
                    if (n > 0) {
                        requests.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
