package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.TestClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class StickyTest {
    final TestClient client = TestClient.withoutCookies();

    @Test
    void theIdsFirstCharacterPinsRequestsToTheOwnerByCookieAndByUrl() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b"); AppNode c = AppNode.start("c");
                WebTier web = WebTier.with("cluster", a.entry() + " " + b.entry() + " " + c.entry()).start()) {
            for (int i = 0; i < 6; i++) {
                assertEquals("b /s", client.get(web.uri("/s"), "JSESSIONID=bcAAAAAAAAAAAAAAAAAAAAAA").body());
                assertEquals("c /s", client.get(web.uri("/s"), "other=x; JSESSIONID=caAAAAAAAAAAAAAAAAAAAAAA").body());
                assertEquals("a /u;jsessionid=abAAAAAAAAAAAAAAAAAAAAAA",
                        client.get(web.uri("/u;jsessionid=abAAAAAAAAAAAAAAAAAAAAAA")).body());
            }
        }
    }

    @Test
    void anyIdCountsAsInResinSoASingleLetterPinsTheRequest() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", a.entry() + " " + b.entry()).start()) {
            for (int i = 0; i < 4; i++) {
                assertEquals("b /x;jsessionid=b", client.get(web.uri("/x;jsessionid=b")).body());
                assertEquals("b /y", client.get(web.uri("/y"), "JSESSIONID=b").body());
            }
        }
    }

    @Test
    void anIdNamingNoServerFallsThroughToTheAlgorithm() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", a.entry() + " " + b.entry()).start()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                seen.add(client.get(web.uri("/z"), "JSESSIONID=zzAAAA").body());
                seen.add(client.get(web.uri("/z"), "JSESSIONID=!bAAAA").body());
            }
            assertEquals(Set.of("a /z", "b /z"), seen);
        }
    }

    @Test
    void whenTheOwnerIsStoppedTheSessionsBackupTakesIt() {
        AppNode b = AppNode.start("b");
        try (AppNode a = AppNode.start("a"); AppNode c = AppNode.start("c");
                WebTier web = WebTier.with("cluster", a.entry() + " " + b.entry() + " " + c.entry()).start()) {
            assertEquals("b /s", client.get(web.uri("/s"), "JSESSIONID=bcAAAAAAAAAAAAAAAAAAAAAA").body());
            b.close();
            for (int i = 0; i < 5; i++) {
                assertEquals("c /s", client.get(web.uri("/s"), "JSESSIONID=bcAAAAAAAAAAAAAAAAAAAAAA").body());
                assertEquals("a /s", client.get(web.uri("/s"), "JSESSIONID=baAAAAAAAAAAAAAAAAAAAAAA").body());
            }
        } finally {
            b.close();
        }
    }

    @Test
    void theCookieNameParamNamesTheSessionCookie() {
        try (AppNode a = AppNode.start("a"); AppNode b = AppNode.start("b");
                WebTier web = WebTier.with("cluster", a.entry() + " " + b.entry()).param("cookie-name", "SID").start()) {
            List<String> bodies = List.of(
                    client.get(web.uri("/c"), "SID=bb").body(),
                    client.get(web.uri("/c"), "SID=bb").body(),
                    client.get(web.uri("/c"), "SID=bb").body());
            assertTrue(bodies.stream().allMatch("b /c"::equals), bodies.toString());
        }
    }
}
