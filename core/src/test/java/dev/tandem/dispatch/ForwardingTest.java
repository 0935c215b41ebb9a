package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.TestClient;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ForwardingTest {
    static AppNode app;
    static AppNode foo;
    static WebTier web;
    final TestClient client = TestClient.withoutCookies();

    @BeforeAll
    static void start() {
        app = AppNode.start("app-a");
        foo = AppNode.start("foo-a");
        web = WebTier.with("cluster", app.entry())
                .param("cluster.foo", foo.entry())
                .param("rules", "\\.(png|gif)$ -> local\n^/foo/ -> foo")
                .start();
    }

    @AfterAll
    static void stop() {
        web.close();
        app.close();
        foo.close();
    }

    @Test
    void aRequestIsAnsweredByTheAppServerWithItsBody() {
        HttpResponse<String> r = client.get(web.uri("/hello?x=1"));
        assertEquals(200, r.statusCode());
        assertEquals("app-a /hello", r.body());
    }

    @Test
    void rulesServeImagesHereAndSendFooToItsOwnCluster() {
        assertEquals("local /logo.png", client.get(web.uri("/logo.png")).body());
        assertEquals("foo-a /foo/bar", client.get(web.uri("/foo/bar")).body());
        assertEquals("app-a /food", client.get(web.uri("/food")).body());
    }

    @Test
    void hopByHopHeadersAreDroppedAndForwardingHeadersAddedWhileHostIsKept() {
        RawHttp.Reply r = RawHttp.exchange(web.port(), "GET /headers HTTP/1.1\r\n"
                + "Host: shop.example:8443\r\n"
                + "Connection: close, X-Private\r\n"
                + "X-Private: secret\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Proxy-Authorization: Basic eDp5\r\n"
                + "TE: trailers\r\n"
                + "X-Forwarded-For: 10.0.0.9\r\n"
                + "Forwarded: for=10.0.0.9\r\n"
                + "X-Custom: kept\r\n"
                + "\r\n");
        assertEquals(200, r.status(), r.body());
        List<String> seen = List.of(r.body().split("\n"));
        assertEquals(List.of(
                "host: shop.example:8443",
                "x-custom: kept",
                "x-forwarded-for: 10.0.0.9, 127.0.0.1",
                "x-forwarded-proto: http",
                "x-forwarded-host: shop.example:8443",
                "forwarded: for=10.0.0.9, for=127.0.0.1;host=\"shop.example:8443\";proto=http"),
                seen.stream().sorted(ForwardingTest::byExpectedOrder).toList(), r.body());
    }

    private static int byExpectedOrder(String a, String b) {
        List<String> order = List.of("host", "x-custom", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded");
        return Integer.compare(order.indexOf(a.substring(0, a.indexOf(':'))), order.indexOf(b.substring(0, b.indexOf(':'))));
    }

    @Test
    void statusAndSetCookieHeadersPassUntouchedAndHopByHopOnesAreDropped() {
        RawHttp.Reply direct = RawHttp.exchange(app.port(), "GET /cookies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        RawHttp.Reply proxied = RawHttp.exchange(web.port(), "GET /cookies HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(201, proxied.status());
        assertEquals(direct.all("Set-Cookie"), proxied.all("Set-Cookie"));
        assertEquals(2, proxied.all("Set-Cookie").size());
        assertNull(proxied.header("X-Secret"));
        assertNull(proxied.header("Keep-Alive"));
        assertEquals("cookies", proxied.body());
    }

    @Test
    void fixedLengthAndChunkedBodiesStreamBothWays() throws Exception {
        int size = 5 * 1024 * 1024 + 17;
        HttpResponse<String> up = client.send(HttpRequest.newBuilder(web.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[size])).build());
        assertEquals("app-a read " + size, up.body());
        HttpResponse<String> chunkedUp = client.send(HttpRequest.newBuilder(web.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[size]))).build());
        assertEquals("app-a read " + size, chunkedUp.body());
        for (String query : List.of("", "&chunked")) {
            HttpResponse<InputStream> down = client.open(web.uri("/download?bytes=" + size + query));
            assertEquals(200, down.statusCode());
            try (InputStream in = down.body()) {
                long n = 0;
                byte[] buffer = new byte[65536];
                int expected = 0;
                for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
                    for (int i = 0; i < r; i++, expected++) {
                        assertEquals((byte) (expected % 65536), buffer[i]);
                    }
                    n += r;
                }
                assertEquals(size, n);
            }
        }
    }

    @Test
    void expectContinueGetsAHundredBeforeTheBodyIsSent() {
        try (RawHttp http = new RawHttp(web.port())) {
            http.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, http.read().status());
            http.send("hello");
            RawHttp.Reply r = http.read();
            assertEquals(200, r.status());
            assertEquals("app-a read 5", r.body());
        }
    }

    @Test
    void aRequestWithSixtyFourKilobytesOfHeadersGets431AndTheNodeServesOn() {
        StringBuilder big = new StringBuilder("GET /big HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 64; i++) {
            big.append("X-Big-").append(i).append(": ").append("v".repeat(1000)).append("\r\n");
        }
        big.append("\r\n");
        RawHttp.Reply r = RawHttp.exchange(web.port(), big.toString());
        assertEquals(431, r.status());
        assertEquals("app-a /after", client.get(web.uri("/after")).body());
    }

    @Test
    void aHeadRequestGetsTheHeadersAndNoBody() {
        RawHttp.Reply r = RawHttp.exchange(web.port(), "HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(200, r.status());
        assertTrue(r.body().isEmpty());
        assertFalse(r.all("Content-Type").isEmpty());
    }
}
