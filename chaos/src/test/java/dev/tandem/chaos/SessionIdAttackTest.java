package dev.tandem.chaos;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tomcat CVE-2020-9484 and CVE-2025-24813 patterns against the file store over HTTP: a copy of
 * a real session record is planted outside the store ({@code uploads/.evil}, as an upload or a
 * partial PUT would leave it) and inside it under names that are not session ids; then crafted ids
 * that point at it, in the cookie and in {@code ;jsessionid=}, ask to read, write and invalidate.
 * No planted value may ever be served, no file outside the store may be created, changed or
 * deleted, and every request that gets a session gets a fresh, well-formed one.
 */
class SessionIdAttackTest {
    private static final String PLANTED = "planted-secret";
    /** Cookie-less: every request carries only the crafted id. One client, so the test stays fast. */
    private static final TestClient ATTACKER = TestClient.withoutCookies();

    @TempDir
    Path root;

    @Test
    void craftedIdsNeverReachAFileOutsideTheStoreAndGetAFreshSession() throws IOException {
        Path store = root.resolve("sessions");
        Path uploads = Files.createDirectories(root.resolve("uploads"));
        try (RunningServer server = Container.JETTY.start(WebApp.at("/app").param("persistent-store", "file")
                .param("path", store.toString()).servlet("/probe/*", new ProbeServlet()))) {
            byte[] record = aRealSessionRecordHolding(server, store.resolve("app"));
            for (String name : List.of(".evil", ".evil.session", ".evil.1", "evil.1")) {
                Files.write(uploads.resolve(name), record);
            }
            for (String name : List.of(".evil.1", "..evil.1", ".evil", "evil.session")) {
                Files.write(store.resolve("app").resolve(name), record);
            }
            Map<Path, byte[]> outside = filesOutside(store);

            Map<String, Integer> counts = new TreeMap<>();
            for (String id : craftedIds(uploads)) {
                for (String action : List.of("get?name=x", "set?name=y&value=1", "invalidate")) {
                    attackByCookie(server, id, action);
                    counts.merge("cookie", 1, Integer::sum);
                    if (id.length() < 2000) {
                        attackByUrl(server, id, action);
                        counts.merge(";jsessionid=", 1, Integer::sum);
                    }
                }
            }
            System.out.println("session id attacks by carrier: " + counts + " with " + craftedIds(uploads).size()
                    + " crafted ids");

            Map<Path, byte[]> after = filesOutside(store);
            assertEquals(outside.keySet(), after.keySet(), "no file outside the store was created or deleted");
            outside.forEach((path, bytes) -> assertArrayEquals(bytes, after.get(path), path + " is unchanged"));
            try (Stream<Path> files = Files.list(store.resolve("app"))) {
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    boolean planted = Set.of(".evil.1", "..evil.1", ".evil", "evil.session").contains(name);
                    // The lock and the log's segments are the only files the store makes.
                    boolean ours = name.equals(".lock") || name.matches("log-[0-9]{10}\\.seg");
                    assertTrue(planted || ours, "the store made a file named '" + name + "'");
                }
            }
        }
    }

    /** Saves a session holding {@value #PLANTED}, reads its record's bytes, then invalidates it. */
    private static byte[] aRealSessionRecordHolding(RunningServer server, Path storeDir) throws IOException {
        TestClient victim = TestClient.withCookies();
        assertEquals("ok", victim.get(server.uri("/app/probe/set?name=x&value=" + PLANTED)).body());
        String id = victim.cookie("JSESSIONID").orElseThrow();
        // The store's log segment, which holds the record (the store appends to it; no file per session).
        Path file;
        try (Stream<Path> files = Files.list(storeDir)) {
            file = files.filter(f -> f.getFileName().toString().startsWith("log-")).findFirst().orElseThrow();
        }
        assertTrue(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(id),
                "the segment holds the session's record");
        byte[] record = Files.readAllBytes(file);
        assertEquals("invalidated", victim.get(server.uri("/app/probe/invalidate")).body());
        return record;
    }

    private static List<String> craftedIds(Path uploads) {
        List<String> ids = new ArrayList<>(List.of(
                "../../../../uploads/.evil", "../../uploads/.evil", "../uploads/.evil", "..\\..\\uploads\\.evil",
                "..%2F..%2F..%2F..%2Fuploads%2F.evil", "..%252F..%252Fuploads%252F.evil", "%2e%2e/%2e%2e/uploads/.evil",
                "..%5C..%5Cuploads%5C.evil", "..;/..;/uploads/.evil", "....//....//uploads/.evil",
                uploads.resolve(".evil").toString(), uploads.resolve(".evil").toUri().toString(),
                ".evil", "..evil", "evil", ".evil%00", "%00", ".evil.session",
                // 24 characters, the length of a real id, each with a separator or dots in it.
                "../../uploads/.evilxxxxx", "aa/../../uploads/.evil12", "aa%2F..%2F..%2Fuploads12",
                "aa\\..\\..\\uploads\\.evil", "aa..aa..aa..aa..aa..aa..", "............../.evil....",
                // Over-long.
                "a".repeat(1_000), "aa" + "A".repeat(5_000), "../".repeat(3_000) + "uploads/.evil",
                "a".repeat(100_000)));
        return ids;
    }

    private static void attackByCookie(RunningServer server, String id, String action) {
        HttpResponse<String> response = ATTACKER.get(server.uri("/app/probe/" + action), "JSESSIONID=" + id);
        check(response, id, "cookie", action);
    }

    private static void attackByUrl(RunningServer server, String id, String action) {
        String path = "/app/probe/" + action.replaceFirst("\\?", ";jsessionid=" + id + "?");
        if (!action.contains("?")) {
            path = "/app/probe/" + action + ";jsessionid=" + id;
        }
        URI uri;
        try {
            uri = server.uri(path);
        } catch (IllegalArgumentException e) {
            return; // not even a URI: no client can send it
        }
        check(ATTACKER.get(uri), id, ";jsessionid=", action);
    }

    private static void check(HttpResponse<String> response, String id, String carrier, String action) {
        String what = carrier + " id of " + id.length() + " chars '" + abbreviate(id) + "', " + action;
        // 400/404: the container refused the path itself; 431: the cookie is larger than it accepts.
        assertTrue(Set.of(200, 400, 404, 431).contains(response.statusCode()),
                what + ": status " + response.statusCode() + " " + abbreviate(response.body()));
        assertFalse(response.body().contains(PLANTED), what + " served the planted session");
        for (String cookie : response.headers().allValues("Set-Cookie")) {
            if (cookie.startsWith("JSESSIONID=") && !cookie.startsWith("JSESSIONID=;")) {
                String fresh = cookie.substring("JSESSIONID=".length(), cookie.indexOf(';'));
                assertTrue(SessionId.isWellFormed(fresh), what + " set " + cookie);
                assertNotEquals(id, fresh, what);
            }
        }
        if (response.statusCode() == 200 && action.startsWith("get")) {
            assertEquals("no session", response.body(), what);
        }
    }

    private Map<Path, byte[]> filesOutside(Path store) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.startsWith(store))
                    .collect(Collectors.toMap(f -> f, SessionIdAttackTest::read, (x, y) -> x, TreeMap::new));
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
