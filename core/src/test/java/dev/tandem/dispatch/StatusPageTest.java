package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.TestClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class StatusPageTest {
    static final String SECRET = "a-secret-of-32-characters-length";
    final TestClient client = TestClient.withoutCookies();

    /** A control request signed for {@code web}, the web node it is sent to. */
    static String signed(WebTier web, String method, String action, Map<String, String> params) {
        Map<String, String> p = new TreeMap<>(params);
        p.put("ts", String.valueOf(System.currentTimeMillis() / 1000));
        p.put("sig", SignedRequest.sign(SECRET, method, web.uri("/").getRawAuthority(), action, p));
        return "/status" + action + "?" + p.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }

    HttpResponse<String> post(WebTier web, String pathAndQuery) {
        return client.send(HttpRequest.newBuilder(web.uri(pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    @Test
    void theStatusPageShowsEveryServerAsHtmlAndJsonAndBalanceAnswersAServer() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", a.entry() + " weight=3 " + b.entry()).param("status-path", "/status").start()) {
            client.get(web.uri("/x"), "JSESSIONID=bb");
            HttpResponse<String> html = client.get(web.uri("/status"));
            assertEquals(200, html.statusCode());
            assertTrue(html.body().contains("<td>b</td><td>127.0.0.1:" + b.port()), html.body());
            String json = client.get(web.uri("/status?format=json")).body();
            assertTrue(json.contains("{\"name\":\"a\",\"index\":\"a\",\"address\":\"127.0.0.1:" + a.port()
                    + "\",\"state\":\"up\",\"weight\":3,\"backup\":false,\"active\":0,\"total\":0,\"failures\":0,\"sticky\":0"), json);
            assertTrue(json.contains("\"name\":\"b\",\"index\":\"b\",\"address\":\"127.0.0.1:" + b.port()
                    + "\",\"state\":\"up\",\"weight\":1,\"backup\":false,\"active\":0,\"total\":1,\"failures\":0,\"sticky\":1"), json);
            String chosen = client.get(web.uri("/status/balance?cluster=cluster")).body();
            assertTrue(chosen.equals("a") || chosen.equals("b"), chosen);
            assertEquals(404, client.get(web.uri("/status/balance?cluster=nope")).statusCode());
        }
    }

    @Test
    void aDrainedServerGetsNoNewSessionsButKeepsItsStickyOnesUntilEnabled() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", a.entry() + " " + b.entry()).param("status-path", "/status")
                        .param("cluster-secret", SECRET).start()) {
            assertEquals(200, post(web, signed(web, "POST", "/drain", Map.of("server", "a"))).statusCode());
            for (int i = 0; i < 4; i++) {
                assertEquals("b /new", client.get(web.uri("/new")).body());
                assertEquals("a /old", client.get(web.uri("/old"), "JSESSIONID=ab").body());
            }
            assertTrue(client.get(web.uri("/status?format=json")).body().contains("\"state\":\"draining\""));
            assertEquals(200, post(web, signed(web, "POST", "/enable", Map.of("server", "a"))).statusCode());
            assertEquals(2, Requests.many(web.uri("/n"), 4, 1).stream().filter(s -> s.startsWith("a ")).count());
        }
    }

    @Test
    void controlRequestsWithoutAValidFreshSignatureAreRefused() {
        try (AppNode a = AppNode.start("a");
                WebTier web = WebTier.with("cluster", a.entry()).param("status-path", "/status").param("cluster-secret", SECRET).start()) {
            assertEquals(403, post(web, "/status/drain?server=a").statusCode());
            String good = signed(web, "POST", "/drain", Map.of("server", "a"));
            assertEquals(403, post(web, good.replace("server=a", "server=b")).statusCode());
            assertEquals(403, post(web, "/status/drain?server=a&ts=1000&sig=" + SignedRequest.sign(SECRET, "POST", web.uri("/").getRawAuthority(), "/drain",
                    Map.of("server", "a", "ts", "1000"))).statusCode());
            assertEquals(200, post(web, good).statusCode());
            HttpResponse<String> replay = post(web, good);
            assertEquals(403, replay.statusCode());
            assertEquals("refused: replayed request", replay.body());
            assertEquals(405, client.get(web.uri(good)).statusCode());
        }
    }

    @Test
    void aControlRequestSignedForOneWebNodeIsRefusedByAnother() {
        try (AppNode a = AppNode.start("a");
                WebTier web = WebTier.with("cluster", a.entry()).param("status-path", "/status").param("cluster-secret", SECRET).start();
                WebTier other = WebTier.with("cluster", a.entry()).param("status-path", "/status").param("cluster-secret", SECRET).start()) {
            String forWeb = signed(web, "POST", "/drain", Map.of("server", "a"));
            HttpResponse<String> replayed = post(other, forWeb);
            assertEquals(403, replayed.statusCode());
            assertEquals("refused: bad signature", replayed.body());
            assertEquals(200, post(web, forWeb).statusCode());
        }
    }

    @Test
    void theDynamicAlgorithmSendsNewRequestsToTheLeastLoadedServerByAgentReports() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", a.entry() + " " + b.entry()).param("status-path", "/status")
                        .param("cluster-secret", SECRET).param("algorithm", "dynamic").param("agent-metrics", "cpu=1 threads=0.5").start()) {
            assertEquals(200, client.get(web.uri(signed(web, "GET", "/agent", Map.of("server", "a", "cpu", "0.9", "threads", "50")))).statusCode());
            assertEquals(200, client.get(web.uri(signed(web, "GET", "/agent", Map.of("server", "b", "cpu", "0.2", "threads", "40")))).statusCode());
            assertTrue(Requests.many(web.uri("/d"), 10, 1).stream().allMatch(s -> s.startsWith("b ")));
            assertEquals(200, client.get(web.uri(signed(web, "GET", "/agent", Map.of("server", "b", "cpu", "0.95", "threads", "60")))).statusCode());
            assertTrue(Requests.many(web.uri("/d"), 10, 1).stream().allMatch(s -> s.startsWith("a ")));
            assertTrue(client.get(web.uri("/status?format=json")).body().contains("\"load\":{"));
        }
    }
}
