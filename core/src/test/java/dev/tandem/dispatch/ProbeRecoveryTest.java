package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.session.spi.MutableClock;
import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A server that was down and comes back gets one probe request after recover-time; however that
 * request ends, the server is back in rotation afterwards. The web tier's clock is moved by hand,
 * so recover-time passes without waiting.
 */
@Timeout(60)
class ProbeRecoveryTest {
    static final Duration RECOVER = Duration.ofSeconds(15);
    final TestClient client = TestClient.withoutCookies();
    final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    @Test
    void aServerThatResetsItsFirstRequestBackIsSelectedAgainAfterAnotherRecoverTime() {
        int port = FailoverTest.deadPort();
        try (AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", "a=127.0.0.1:" + port + " " + b.entry())
                        .param("recover-time", "15s").clock(clock).start()) {
            assertEquals("b /p", client.get(web.uri("/p"), "JSESSIONID=ab").body(), "a refused, so the GET went to b");
            try (RevivedServer a = RevivedServer.resettingItsFirstRequest("a", port)) {
                clock.advance(RECOVER);
                assertEquals("b /p", client.get(web.uri("/p"), "JSESSIONID=ab").body(), "the probe was reset and retried on b");
                assertEquals(1, a.requests.get());
                assertEquals("b /p", client.get(web.uri("/p"), "JSESSIONID=ab").body(), "a failed probe: down for recover-time");
                clock.advance(RECOVER);
                assertEquals("a /p", client.get(web.uri("/p"), "JSESSIONID=ab").body());
                assertEquals(Set.of("a /q", "b /q"), Set.of(client.get(web.uri("/q")).body(), client.get(web.uri("/q")).body()));
            }
        }
    }

    @Test
    void aServerWhoseFirstRequestBackIsAbortedByTheClientIsSelectedAgain() {
        int port = FailoverTest.deadPort();
        try (AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", "a=127.0.0.1:" + port + " " + b.entry())
                        .param("recover-time", "15s").clock(clock).start()) {
            assertEquals("b /p", client.get(web.uri("/p"), "JSESSIONID=ab").body(), "a refused, so the GET went to b");
            try (RevivedServer a = RevivedServer.answering("a", port); RawHttp upload = new RawHttp(web.port())) {
                clock.advance(RECOVER);
                upload.send("POST /upload HTTP/1.1\r\nHost: x\r\nCookie: JSESSIONID=ab\r\nContent-Length: 100000\r\n\r\n"
                        + "x".repeat(1000));
                Await.until("the probe POST reached a", Duration.ofSeconds(20), () -> a.posts.get() == 1);
                upload.close();
                Await.until("the web tier ended the aborted POST", Duration.ofSeconds(20), () -> active(web, "a") == 0);
                assertEquals("a /p", client.get(web.uri("/p"), "JSESSIONID=ab").body());
                assertEquals(Set.of("a /q", "b /q"), Set.of(client.get(web.uri("/q")).body(), client.get(web.uri("/q")).body()));
            }
        }
    }

    @Test
    void askingTheStatusPageWhichServerItWouldPickLeavesTheProbeToARealRequest() {
        int port = FailoverTest.deadPort();
        try (WebTier web = WebTier.with("cluster", "a=127.0.0.1:" + port).param("recover-time", "15s")
                .param("status-path", "/status").clock(clock).start()) {
            assertEquals(503, client.get(web.uri("/p")).statusCode(), "a refused and is the only server");
            assertEquals("none", client.get(web.uri("/status/balance")).body());
            try (RevivedServer a = RevivedServer.answering("a", port)) {
                clock.advance(RECOVER);
                for (int i = 0; i < 3; i++) {
                    assertEquals("a", client.get(web.uri("/status/balance")).body(), "ask " + i);
                }
                assertEquals(0, a.requests.get());
                assertEquals("a /p", client.get(web.uri("/p")).body());
                assertEquals("a /p", client.get(web.uri("/p")).body());
            }
        }
    }

    @Test
    void theServerTheStatusPageNamesIsTheOneTheNextRequestGets() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b"); AppNode c = AppNode.start("c");
                WebTier web = WebTier.with("cluster", a.entry() + " " + b.entry() + " " + c.entry())
                        .param("status-path", "/status").clock(clock).start()) {
            for (int i = 0; i < 6; i++) {
                String named = client.get(web.uri("/status/balance")).body();
                assertEquals(named, client.get(web.uri("/status/balance")).body(), "asking twice");
                assertEquals(named + " /n", client.get(web.uri("/n")).body(), "request " + i);
            }
        }
    }

    /** Active requests the web tier counts on {@code server}. */
    static int active(WebTier web, String server) {
        String json = web.filter.statusJson();
        Matcher m = Pattern.compile("\\{\"name\":\"" + server + "\"[^}]*?\"active\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no server " + server + " in " + json);
        }
        return Integer.parseInt(m.group(1));
    }
}
