package dev.tandem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.examples.demo.AppNode;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cart web-app as the demo serves it: log in (new id), fill the cart, log out. */
class CartTest {
    static AppNode demo;

    @BeforeAll
    static void start() throws Exception {
        demo = AppNode.start(0, Map.of());
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    @Test
    void aShopperLogsInFillsTheCartAndLogsOut() throws Exception {
        CookieManager cookies = new CookieManager();
        HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).build();
        String base = "http://127.0.0.1:" + demo.port() + "/cart";

        assertEquals(302, post(client, base + "/add", "item=apple").statusCode());
        String before = sessionId(cookies);
        assertEquals(302, post(client, base + "/login", "user=alice").statusCode());
        String after = sessionId(cookies);
        assertNotEquals(before, after, "logging in changes the session id");
        post(client, base + "/add", "item=pear");
        String page = get(client, base + "/");
        assertTrue(page.startsWith("user=alice items=[apple, pear] "), page);
        assertTrue(page.contains("owner=a backup=a"), page);
        assertTrue(page.matches(".*version=[1-9][0-9]*\\s*"), page);
        post(client, base + "/logout", "");
        assertTrue(get(client, base + "/").startsWith("user=null items=[] "));
        assertEquals(400, post(client, base + "/add", "item=%3Cscript%3E").statusCode());
    }

    private static String sessionId(CookieManager cookies) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(HttpCookie::getValue).reduce((a, b) -> b).orElseThrow();
    }

    private static HttpResponse<String> post(HttpClient client, String uri, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(uri))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(HttpClient client, String uri) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
