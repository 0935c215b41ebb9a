package dev.tandem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.examples.demo.AppNode;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoTest {
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
    void theCounterGoesUpForAClientThatKeepsItsCookie() throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        URI counter = URI.create("http://127.0.0.1:" + demo.port() + "/counter/");
        for (int expected = 1; expected <= 3; expected++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(counter).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().startsWith("count=" + expected + " "), response.body());
        }
    }

    @Test
    void aClientWithoutTheCookieStartsAgainAtOne() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI counter = URI.create("http://127.0.0.1:" + demo.port() + "/counter/");
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(counter).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(response.body().startsWith("count=1 "), response.body());
            assertTrue(response.headers().firstValue("Set-Cookie").orElseThrow().contains("SameSite=Lax"),
                    response.headers().toString());
        }
    }
}
