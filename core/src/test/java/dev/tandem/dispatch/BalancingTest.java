package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class BalancingTest {
    final TestClient client = TestClient.withoutCookies();

    @Test
    void roundRobinIsEvenWithinOneOverThreeHundredRequests() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b"); AppNode c = AppNode.start("c");
                WebTier web = WebTier.with("cluster", a.entry() + " " + b.entry() + " " + c.entry()).start()) {
            for (int i = 0; i < 300; i++) {
                assertEquals(200, client.get(web.uri("/rr")).statusCode());
            }
            for (AppNode n : List.of(a, b, c)) {
                assertTrue(Math.abs(n.hits.get() - 100) <= 1, n.name + " got " + n.hits.get());
            }
        }
    }

    @Test
    void weightsFiveToOneAreProportionalWithinFivePercentOverSixThousandRequests() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", a.entry() + " weight=5 " + b.entry() + " weight=1")
                        .param("algorithm", "weighted").start()) {
            Map<String, Long> byServer = Requests.many(web.uri("/w"), 6000, 16).stream()
                    .collect(Collectors.groupingBy(body -> body.split(" ")[0], Collectors.counting()));
            assertEquals(6000, byServer.values().stream().mapToLong(Long::longValue).sum(), byServer.toString());
            assertTrue(Math.abs(byServer.get("a") - 5000) <= 250, byServer.toString());
            assertTrue(Math.abs(byServer.get("b") - 1000) <= 50, byServer.toString());
        }
    }

    @Test
    void leastConnectionsFavoursTheFastServerOverTheSlowOne() {
        try (AppNode fast = AppNode.start("fast"); AppNode slow = AppNode.start("slow");
                WebTier web = WebTier.with("cluster", fast.entry() + " " + slow.entry())
                        .param("algorithm", "least-connections").param("status-path", "/status").start()) {
            // Every request parks on the slow server until released; the fast one answers at once.
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            slow.hold("k");
            fast.hold("k").countDown();
            for (int i = 0; i < 20; i++) {
                int before = fast.hits.get() + slow.held.get();
                CompletableFuture<HttpResponse<String>> r = Requests.async(web.uri("/hold/k"));
                sent.add(r);
                Await.until("request " + i + " answered by fast or parked on slow", Duration.ofSeconds(20),
                        () -> r.isDone() || fast.hits.get() + slow.held.get() > before);
                Await.until("request " + i + " settled", Duration.ofSeconds(20),
                        () -> r.isDone() || slow.held.get() > 0);
                // The web tier counts a fast answer out just after the client has it; without this wait
                // the next request could find both servers at one active request and break the tie.
                Await.until("the web tier counted request " + i + " out of the fast server", Duration.ofSeconds(20),
                        () -> activeOn(web, "fast") == 0);
            }
            assertTrue(slow.hits.get() <= 1, "slow got " + slow.hits.get());
            assertTrue(fast.hits.get() >= 19, "fast got " + fast.hits.get());
            slow.hold("k").countDown();
            sent.forEach(CompletableFuture::join);
        }
    }

    /** Active requests the web tier counts on {@code server}, from its status page's JSON. */
    private static int activeOn(WebTier web, String server) {
        String json = Requests.async(web.uri("/status?format=json")).join().body();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\\{\"name\":\"" + server + "\"[^}]*?\"active\":(\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no server " + server + " in the status page: " + json);
        }
        return Integer.parseInt(m.group(1));
    }

    @Test
    void priorityTrafficSpillsExactlyWhenTheTopServersAreFullAndReturnsWhenTheyFallToMinConnections() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b"); AppNode spare = AppNode.start("spare");
                WebTier web = WebTier.with("cluster", a.entry() + " weight=2 max-connections=2 min-connections=1 "
                        + b.entry() + " weight=2 max-connections=2 min-connections=1 " + spare.entry() + " backup")
                        .param("algorithm", "priority").start()) {
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                held.add(Requests.async(web.uri("/hold/k" + i)));
                int n = i;
                Await.until(n + " requests parked", Duration.ofSeconds(20), () -> a.held.get() + b.held.get() == n);
            }
            assertEquals(2, a.held.get());
            assertEquals(2, b.held.get());
            assertEquals(0, spare.hits.get());
            // Both top servers are at max-connections: the next request spills.
            assertEquals("spare /now", client.get(web.uri("/now")).body());
            assertEquals("spare /now", client.get(web.uri("/now")).body());
            // One request on a ends: a is at min-connections again and takes traffic back.
            AppNode holderOfK1 = held.get(0).isDone() ? null : whoHolds(List.of(a, b), "k1");
            holderOfK1.hold("k1").countDown();
            held.get(0).join();
            assertEquals(holderOfK1.name + " /back", client.get(web.uri("/back")).body());
            assertEquals(2, spare.hits.get());
            List.of(a, b).forEach(AppNode::releaseAll);
            held.forEach(CompletableFuture::join);
        }
    }

    private static AppNode whoHolds(List<AppNode> nodes, String key) {
        // The node that received the request created the latch first; the other gets a fresh one now.
        Function<AppNode, Boolean> has = n -> n.holdsKey(key);
        return nodes.stream().filter(has::apply).findFirst().orElseThrow();
    }
}
