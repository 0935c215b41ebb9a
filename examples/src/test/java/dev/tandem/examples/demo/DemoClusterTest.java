package dev.tandem.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo launcher with all its processes, driven over HTTP through the web tier as a user would. */
class DemoClusterTest {
    private static final Pattern CART = Pattern.compile(
            "user=(\\S+) items=\\[(.*)] node=(\\S+) owner=(\\S) backup=(\\S) version=(\\d+)\\s*");
    private static final Pattern COUNT = Pattern.compile("count=(\\d+) node=(\\S+) session=(\\S+)\\s*");
    private static final Duration AWAIT = Duration.ofSeconds(30);

    @TempDir
    Path workDir;

    @Test
    @Timeout(180)
    void aCartSurvivesTheCrashAndRestartOfItsOwnerAndOnlyTheSavedCounterKeepsEveryIncrement() throws Exception {
        try (DemoCluster demo = DemoCluster.start(DemoOptions.anyFreePorts(StoreChoice.CLUSTER, workDir))) {
            String web = demo.webUrl();
            HttpClient shopper = client();
            assertEquals(302, post(shopper, web + "/cart/login", "user=alice").statusCode());
            assertEquals(302, post(shopper, web + "/cart/add", "item=apple").statusCode());
            Matcher cart = cart(get(shopper, web + "/cart/"));
            assertEquals("alice", cart.group(1));
            assertEquals("apple", cart.group(2));
            String owner = "app-" + cart.group(4);
            assertEquals(owner, cart.group(3), "a sticky balancer sends the session to its owner");
            assertNotEquals(cart.group(4), cart.group(5), "the backup is another node");

            // Counter sessions on the same owner: a new session goes to the next node, round robin.
            HttpClient counting = counterOn(web, "/counter/", owner);
            HttpClient countingSaved = counterOn(web, "/counter-saved/", owner);
            for (int i = 0; i < 2; i++) {
                count(counting, web + "/counter/");
                count(countingSaved, web + "/counter-saved/");
            }

            // A page on another site that the developer's browser opens cannot press the demo's buttons.
            HttpResponse<String> crossSite = send(shopper, HttpRequest.newBuilder(URI.create(web + "/demo/kill?node="
                    + owner)).header("Origin", "http://evil.example").header("Sec-Fetch-Site", "cross-site")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(403, crossSite.statusCode(), crossSite.body());
            assertTrue(demo.alive(owner), owner + " survived a cross-site form post");

            demo.kill(owner);
            assertTrue(!demo.alive(owner), owner + " is dead");

            Matcher failedOver = await(shopper, web + "/cart/", m -> !m.group(3).equals(owner));
            assertEquals("alice", failedOver.group(1));
            assertEquals("apple", failedOver.group(2), "the cart is intact on " + failedOver.group(3));
            assertEquals(302, post(shopper, web + "/cart/add", "item=pear").statusCode());
            assertEquals("apple, pear", cart(get(shopper, web + "/cart/")).group(2));

            assertEquals(4, count(countingSaved, web + "/counter-saved/"),
                    "always-save-session saved every in-place increment");
            int afterFailover = count(counting, web + "/counter/");
            assertTrue(afterFailover < 4, "without always-save-session the in-place increments died with the owner;"
                    + " the backup counted " + afterFailover);

            // The demo page's own button: a form post from the same origin.
            HttpResponse<String> restart = send(shopper, HttpRequest.newBuilder(URI.create(web + "/demo/restart?node="
                    + owner)).header("Origin", web).header("Sec-Fetch-Site", "same-origin")
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, restart.statusCode(), restart.body());
            Matcher back = await(shopper, web + "/cart/", m -> m.group(3).equals(owner));
            assertEquals("alice", back.group(1));
            assertEquals("apple, pear", back.group(2), "the restarted owner has the newest version of the cart");
            assertEquals(302, post(shopper, web + "/cart/add", "item=plum").statusCode());
            assertEquals("apple, pear, plum", cart(get(shopper, web + "/cart/")).group(2));
            assertEquals(5, count(countingSaved, web + "/counter-saved/"));
        }
    }

    /** A client whose session on {@code app} (the demo's web-app at {@code path}) is owned by {@code owner}. */
    private static HttpClient counterOn(String web, String path, String owner) throws Exception {
        for (int attempt = 0; attempt < 12; attempt++) {
            HttpClient client = client();
            HttpResponse<String> response = send(client, HttpRequest.newBuilder(URI.create(web + path)).build());
            Matcher m = COUNT.matcher(response.body());
            assertTrue(m.matches(), response.body());
            assertEquals("1", m.group(1));
            if (("app-" + m.group(3).charAt(0)).equals(owner)) {
                return client;
            }
        }
        throw new AssertionError("no new " + path + " session was owned by " + owner + " in 12 attempts");
    }

    private static int count(HttpClient client, String uri) throws Exception {
        String body = get(client, uri);
        Matcher m = COUNT.matcher(body);
        assertTrue(m.matches(), body);
        return Integer.parseInt(m.group(1));
    }

    /** GETs the cart page until it answers and {@code condition} holds, or fails after {@link #AWAIT}. */
    private static Matcher await(HttpClient client, String uri, Predicate<Matcher> condition) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = send(client, HttpRequest.newBuilder(URI.create(uri)).build());
                last = response.statusCode() + " " + response.body();
                Matcher m = CART.matcher(response.body());
                if (response.statusCode() == 200 && m.matches() && condition.test(m)) {
                    return m;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.onSpinWait();
        }
        return fail("the cart page did not reach the expected state within " + AWAIT.toSeconds() + " s; last: " + last);
    }

    private static Matcher cart(String body) {
        Matcher m = CART.matcher(body);
        assertTrue(m.matches(), body);
        return m;
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> post(HttpClient client, String uri, String form) throws Exception {
        return send(client, HttpRequest.newBuilder(URI.create(uri))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static String get(HttpClient client, String uri) throws Exception {
        HttpResponse<String> response = send(client, HttpRequest.newBuilder(URI.create(uri)).build());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest request) throws Exception {
        return client.send(HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
