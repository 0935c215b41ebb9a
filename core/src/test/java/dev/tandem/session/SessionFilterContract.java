package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.Await;
import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.SessionEvents;
import dev.tandem.testing.SharedStoreProvider;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import jakarta.servlet.SessionTrackingMode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The session filter's Servlet contract, on a real container with real HTTP clients. Two nodes
 * ({@code a} and {@code b}) share one store, as nodes share a database, so a test can check that
 * what one node acknowledged is what the other loads. Subclasses pick the container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionFilterContract {
    static final String CONTEXT = "/app";
    final String storeName = "contract-" + UUID.randomUUID();
    final ProbeServlet probeA = new ProbeServlet();
    final ProbeServlet probeB = new ProbeServlet();
    RunningServer a;
    RunningServer b;

    abstract Container container();

    @BeforeAll
    void startNodes() {
        a = container().start(app(probeA).param("serialization-filter", "dev.tandem.**"));
        // Node b runs a stricter filter, as after a configuration change rolled out to one node.
        b = container().start(app(probeB).param("serialization-filter", "!dev.tandem.testing.ProbeServlet$Opaque"));
    }

    private WebApp app(ProbeServlet probe) {
        return WebApp.at(CONTEXT)
                .param("persistent-store", SharedStoreProvider.class.getName())
                .param("shared-name", storeName)
                .param("listeners", SessionEvents.class.getName())
                .param("reaper-interval", "100ms")
                .servlet("/probe/*", probe);
    }

    @AfterAll
    void stopNodes() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    URI onA(String probe) {
        return a.uri(CONTEXT + "/probe/" + probe);
    }

    URI onB(String probe) {
        return b.uri(CONTEXT + "/probe/" + probe);
    }

    SharedStoreProvider.Shared store() {
        return SharedStoreProvider.store(storeName);
    }

    static String body(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), () -> "status of " + response.uri() + ": " + response.body());
        return response.body();
    }

    @Test
    void aNewSessionGetsAWellFormedIdInTheContainersCookie() {
        TestClient client = TestClient.withCookies();
        HttpResponse<String> response = client.get(onA("set?name=x&value=1"));
        assertEquals("ok", body(response));
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        String id = client.cookie("JSESSIONID").orElseThrow();
        assertTrue(SessionId.isWellFormed(id), id);
        assertTrue(id.startsWith("aa"), id);
        // Nothing in the web-app configures the cookie: every container sends exactly the path and
        // HttpOnly (Tomcat's and Jetty's SessionCookieConfig then say HttpOnly false; Jetty lists
        // "name" among its attributes, which is not a cookie attribute).
        java.util.Set<String> attributes = new java.util.TreeSet<>();
        for (String part : setCookie.substring(setCookie.indexOf(';') + 1).split(";")) {
            attributes.add(part.trim().toLowerCase(java.util.Locale.ROOT));
        }
        assertEquals(java.util.Set.of("path=" + CONTEXT.toLowerCase(java.util.Locale.ROOT), "httponly"), attributes,
                setCookie);
        assertTrue(SessionEvents.of(id).contains("sessionCreated"));
        assertEquals(1, store().version(id), "the new session was saved once");
    }

    @Test
    void anAttributeSurvivesRequestsAndIsSeenByTheOtherNode() {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set?name=colour&value=blue")));
        assertEquals("blue", body(client.get(onA("get?name=colour"))));
        assertEquals("blue", body(client.get(onB("get?name=colour"))));
        assertTrue(body(client.get(onA("info"))).contains("new=false"));
    }

    @Test
    void requestsWithoutAnySessionNeverReachTheStore() {
        TestClient client = TestClient.withCookies();
        int before = store().idsAsked().size();
        assertEquals("no session", body(client.get(onA("get?name=x"))));
        assertEquals(before, store().idsAsked().size());
        assertTrue(client.cookie("JSESSIONID").isEmpty());
    }

    @Test
    void invalidateEndsTheSessionEverywhereAndALateSaveCannotBringItBack() {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set?name=x&value=1")));
        String id = client.cookie("JSESSIONID").orElseThrow();
        assertEquals("invalidated", body(client.get(onA("invalidate"))));
        assertEquals(0, store().version(id));
        assertTrue(SessionEvents.of(id).contains("sessionDestroyed"));
        assertEquals("no session", body(client.get(onA("get?name=x"))));
        assertEquals("no session", body(client.get(onB("get?name=x"))));
        assertTrue(body(client.get(onA("info"))).contains("valid=false"));
        body(client.get(onA("set?name=x&value=2")));
        assertNotEquals(id, client.cookie("JSESSIONID").orElseThrow(), "a new session gets a new id");
    }

    @Test
    void changeSessionIdKeepsTheDataUnderANewIdAndTheOldIdIsGone() {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set?name=user&value=alice")));
        String oldId = client.cookie("JSESSIONID").orElseThrow();
        String newId = body(client.get(onA("change-id")));
        assertTrue(SessionId.isWellFormed(newId));
        assertNotEquals(oldId, newId);
        assertEquals(newId, client.cookie("JSESSIONID").orElseThrow());
        assertEquals(0, store().version(oldId), "the old id is gone from the store");
        assertEquals("alice", body(client.get(onB("get?name=user"))));
        TestClient attacker = TestClient.withoutCookies();
        assertEquals("no session", body(attacker.get(onA("get?name=user"), "JSESSIONID=" + oldId)));
    }

    @Test
    void aUrlSessionIdIsIgnoredWhenTheWebAppTracksSessionsByCookieOnly() {
        // An attacker's session, its id then carried by a link into a victim's request.
        TestClient attacker = TestClient.withCookies();
        body(attacker.get(onA("set?name=user&value=attacker")));
        String planted = attacker.cookie("JSESSIONID").orElseThrow();
        try (RunningServer cookieOnly = container().start(app(new ProbeServlet())
                .trackingModes(SessionTrackingMode.COOKIE))) {
            TestClient victim = TestClient.withoutCookies();
            String url = CONTEXT + "/probe/get;jsessionid=" + planted + "?name=user";
            assertEquals("no session", body(victim.get(cookieOnly.uri(url))));
            String info = body(victim.get(cookieOnly.uri(CONTEXT + "/probe/info;jsessionid=" + planted)));
            assertTrue(info.contains("requested=null"), info);
            String link = body(victim.get(cookieOnly.uri(CONTEXT + "/probe/link?name=x")));
            assertTrue(!link.contains("jsessionid"), "no id in URLs when URL tracking is off: " + link);
        }
    }

    @Test
    void urlsThatABrowserReadsAsAnotherSiteNeverCarryTheSessionId() {
        TestClient client = TestClient.withoutCookies();
        String own = body(client.get(onA("link?name=x")));
        String id = own.substring(own.indexOf('=') + 1, own.indexOf('?'));
        for (String foreign : List.of("//evil.example/x", "/\\evil.example/x", "\\\\evil.example/x",
                "\\/evil.example/x", " //evil.example/x", "\t//evil.example/x", "/\t/evil.example/x",
                "\u0001//evil.example", "http:\\\\evil.example/x", "https://evil.example/app/x",
                "mailto:someone@evil.example", "javascript:alert(1)", "#top")) {
            String encoded = body(client.get(a.uri(CONTEXT + "/probe/encode;jsessionid=" + id + "?url="
                    + java.net.URLEncoder.encode(foreign, java.nio.charset.StandardCharsets.UTF_8))));
            assertEquals(foreign, encoded, "left as it is: " + foreign);
        }
        for (String mine : List.of(CONTEXT + "/probe/get", "get?name=x", "../app/x")) {
            String encoded = body(client.get(a.uri(CONTEXT + "/probe/encode;jsessionid=" + id + "?url="
                    + java.net.URLEncoder.encode(mine, java.nio.charset.StandardCharsets.UTF_8))));
            assertTrue(encoded.contains(";jsessionid=" + id), mine + " -> " + encoded);
        }
    }

    @Test
    void withCookiesDisabledTheIdTravelsInTheUrl() {
        TestClient client = TestClient.withoutCookies();
        String link = body(client.get(onA("link?name=x")));
        assertTrue(link.startsWith(CONTEXT + "/probe/get;jsessionid="), link);
        String id = link.substring(link.indexOf('=') + 1, link.indexOf('?'));
        assertTrue(SessionId.isWellFormed(id), id);
        body(client.get(a.uri(CONTEXT + "/probe/set;jsessionid=" + id + "?name=x&value=url")));
        assertEquals("url", body(client.get(a.uri(link))));
        assertEquals("url", body(client.get(b.uri(link))));
        String info = body(client.get(a.uri(CONTEXT + "/probe/info;jsessionid=" + id)));
        assertTrue(info.contains("fromUrl=true") && info.contains("fromCookie=false") && info.contains("valid=true"), info);
    }

    @Test
    void withTheCookieSentUrlsAreNotRewritten() {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set?name=x&value=1")));
        assertEquals(CONTEXT + "/probe/get?name=x", body(client.get(onA("link?name=x"))));
    }

    @Test
    void anAsyncRequestSavesAtCompletion() {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set?name=x&value=1")));
        assertEquals("async ok", body(client.get(onA("async-set?name=x&value=async"))));
        assertEquals("async", body(client.get(onB("get?name=x"))));
    }

    @Test
    void eightConcurrentRequestsOnOneSessionAllKeepTheirChanges() throws Exception {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set?name=start&value=0")));
        String id = client.cookie("JSESSIONID").orElseThrow();
        long versionBefore = store().version(id);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                List<Future<String>> answers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    URI uri = onA("set?name=k" + t + "&value=r" + round);
                    answers.add(pool.submit(() -> body(client.get(uri))));
                }
                for (Future<String> answer : answers) {
                    assertEquals("ok", answer.get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        var stored = store().load(id);
        var codec = dev.tandem.serial.Serialization.KRYO.codec(getClass().getClassLoader(),
                dev.tandem.serial.ClassFilter.of(null));
        for (int t = 0; t < 8; t++) {
            assertEquals("r4", body(client.get(onA("get?name=k" + t))), "k" + t);
            assertEquals("r4", codec.decode("k" + t, stored.attributes().get("k" + t)), "stored k" + t);
        }
        // A save carries every change pending at that moment, so parallel requests may share one.
        assertTrue(stored.version() > versionBefore && stored.version() <= versionBefore + 40, "version " + stored.version());
    }

    @Test
    void expiryCallsTheSessionAndBindingListeners() {
        TestClient client = TestClient.withCookies();
        String id = body(client.get(onA("max-inactive?value=1")));
        Await.until("the session expired", Duration.ofSeconds(10),
                () -> SessionEvents.of(id).contains("sessionDestroyed") && SessionEvents.of(id).contains("valueUnbound"));
        assertEquals(0, store().version(id), "the expired session is gone from the store");
        assertEquals("no session", body(client.get(onA("get?name=watched"))));
    }

    @Test
    void aRedirectedClientSeesTheSavedValueOnItsVeryNextRequestToAnyNode() {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set?name=x&value=before")));
        HttpResponse<String> redirect = client.get(onA("set-then-redirect?name=x&value=after"));
        assertEquals(302, redirect.statusCode());
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertEquals("after", body(client.get(b.uri(URI.create(location).getRawPath() + "?name=x"))));
    }

    @Test
    void aFlushedResponseIsSavedBeforeTheClientReadsIt() throws Exception {
        committedResponseWasSavedFirst("set-then-flush");
    }

    @Test
    void aResponseLargerThanTheBufferIsSavedBeforeItCommits() throws Exception {
        committedResponseWasSavedFirst("set-then-write-big");
    }

    /**
     * The servlet commits its response and then blocks until the test releases it; as soon as the
     * client has the response's headers, its next request, on the other node, must see the value.
     */
    private void committedResponseWasSavedFirst(String probe) throws Exception {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set?name=x&value=before")));
        probeA.hold = new CountDownLatch(1);
        HttpResponse<java.io.InputStream> first = null;
        try {
            first = client.open(onA(probe + "?name=x&value=after"));
            assertEquals(200, first.statusCode());
            assertEquals("after", body(client.get(onB("get?name=x"))));
        } finally {
            probeA.hold.countDown();
            if (first != null) {
                first.body().readAllBytes();
                first.body().close();
            }
        }
    }

    @Test
    void forwardsAndIncludesShareTheSession() {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set?name=x&value=shared")));
        assertEquals("shared", body(client.get(onA("forward?name=x"))));
        assertEquals("included:inc", body(client.get(onA("include?name=x&value=inc"))));
    }

    @Test
    void aSessionHoldingAClassTheFilterRefusesIsMissingElsewhereAndTheRequestStillWorks() {
        TestClient client = TestClient.withCookies();
        body(client.get(onA("set-object?name=o&value=secret")));
        String id = client.cookie("JSESSIONID").orElseThrow();
        assertEquals("secret", body(client.get(onA("get-object?name=o"))), "node a still has it in memory");
        assertEquals("no session", body(client.get(onB("get-object?name=o"))), "node b refuses to deserialize it");
        body(client.get(onB("set?name=y&value=1")));
        assertNotEquals(id, client.cookie("JSESSIONID").orElseThrow(), "node b made a fresh session");
        assertTrue(store().version(id) > 0, "the refused record is kept, not destroyed");
    }

    @Test
    void malformedSessionIdsGetAFreshSessionAndNeverReachTheStore() {
        String longId = "a".repeat(10_000);
        List<String> bad = List.of("../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "aa" + "x".repeat(21),
                "aa" + "x".repeat(23), "aa$" + "x".repeat(21), "aa." + "x".repeat(21), "aé" + "x".repeat(22),
                longId, "", "a", "b");
        for (String id : bad) {
            TestClient client = TestClient.withoutCookies();
            int asked = store().idsAsked().size();
            HttpResponse<String> viaCookie = client.get(onA("set?name=x&value=1"), "JSESSIONID=" + id);
            assertEquals(200, viaCookie.statusCode(), "cookie " + id.length() + " chars: " + viaCookie.body());
            String fresh = freshId(viaCookie);
            assertNotEquals(id, fresh);
            if (id.length() < 200 && !id.contains("é")) {
                HttpResponse<String> viaUrl = client.get(a.uri(CONTEXT + "/probe/set;jsessionid=" + id + "?name=x&value=1"));
                // A container may resolve "../" in the path itself and serve another path (404).
                assertTrue(List.of(200, 400, 404).contains(viaUrl.statusCode()),
                        "url " + id + ": " + viaUrl.statusCode() + " " + viaUrl.body());
                if (viaUrl.statusCode() == 200) {
                    assertNotEquals(id, freshId(viaUrl));
                }
            }
            for (String asked2 : store().idsAsked().subList(asked, store().idsAsked().size())) {
                assertTrue(SessionId.isWellFormed(asked2), "the store was asked about '" + asked2 + "'");
            }
        }
    }

    private static String freshId(HttpResponse<String> response) {
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        String id = setCookie.substring("JSESSIONID=".length(), setCookie.indexOf(';'));
        assertTrue(SessionId.isWellFormed(id), setCookie);
        return id;
    }

    @Test
    void requestedSessionIdReportsWhatTheClientSent() {
        TestClient client = TestClient.withCookies();
        String info = body(client.get(onA("info")));
        assertTrue(info.contains("id=null") && info.contains("requested=null") && info.contains("valid=false"), info);
        body(client.get(onA("set?name=x&value=1")));
        String id = client.cookie("JSESSIONID").orElseThrow();
        info = body(client.get(onA("info")));
        assertTrue(info.contains("requested=" + id) && info.contains("valid=true") && info.contains("fromCookie=true")
                && info.contains("new=false"), info);
        assertNull(null);
        assertFalse(info.contains("fromUrl=true"));
        assertNotNull(id);
    }
}
