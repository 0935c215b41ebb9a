package dev.tandem.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.Container;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database rows of the JDBC store (embedded H2), mutated while the server is down: attribute bytes
 * (bit flips, truncation, noise, trailing garbage) and session columns (version, times, timeout,
 * removed flag) out of range. After the restart every session is read over HTTP: the request must
 * succeed and show the whole session or none at all, never some attributes without the others.
 * (Unlike the file store's records, rows carry no checksum: a mutation that still decodes, such as
 * a flipped bit inside a string, is served as the value it now is; the test counts those.)
 */
class JdbcRowFuzzTest {
    static final int SESSIONS = 200;

    @TempDir
    Path directory;

    private RunningServer start() {
        return Container.JETTY.start(WebApp.at("/app").param("persistent-store", "jdbc")
                .param("path", directory.toString()).servlet("/s/*", new LedgerProbe()));
    }

    @Test
    void aMutatedRowIsServedWholeOrNotAtAllAndNeverFailsTheRequest() throws SQLException {
        List<String> cookies = new ArrayList<>();
        try (RunningServer server = start()) {
            for (int n = 0; n < SESSIONS; n++) {
                TestClient client = TestClient.withCookies();
                assertEquals(LedgerProbe.expected(n), client.get(server.uri("/app/s/make?n=" + n)).body());
                cookies.add(client.cookie("JSESSIONID").orElseThrow());
            }
        }
        Mutations mutations = new Mutations(2020_9484);
        Map<String, Integer> families = new TreeMap<>();
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + directory.resolve("app"))) {
            for (String id : cookies) {
                families.merge(mutate(db, id, mutations), 1, Integer::sum);
            }
        }
        int whole = 0;
        int altered = 0;
        int none = 0;
        TestClient reader = TestClient.withoutCookies();
        try (RunningServer server = start()) {
            for (int n = 0; n < SESSIONS; n++) {
                HttpResponse<String> read = reader.get(server.uri("/app/s/read"),
                        "JSESSIONID=" + cookies.get(n));
                assertEquals(200, read.statusCode(), "session " + n + ": " + read.body());
                String body = read.body();
                if (body.equals("none")) {
                    none++;
                    continue;
                }
                assertTrue(!body.contains("=null"), "session " + n + " was served in part: " + body);
                if (body.equals(LedgerProbe.expected(n))) {
                    whole++;
                } else {
                    // A row holds no checksum: bytes that still decode are served as they are now.
                    altered++;
                }
            }
        }
        System.out.println("mutated rows by family: " + families + "; served whole and unchanged: " + whole
                + ", served whole with a value the mutation changed: " + altered + ", refused (a new session): " + none);
        assertEquals(SESSIONS, whole + altered + none);
    }

    /** One mutation of session {@code id}'s rows; returns its family. */
    private static String mutate(Connection db, String id, Mutations mutations) throws SQLException {
        int dice = mutations.nextInt(10);
        if (dice < 6) {
            String name = List.of("x", "y", "z").get(mutations.nextInt(3));
            byte[] data;
            try (PreparedStatement select = db.prepareStatement(
                    "SELECT data FROM persistent_session_attribute WHERE id = ? AND name = ?")) {
                select.setString(1, id);
                select.setString(2, name);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    data = rs.getBytes(1);
                }
            }
            Mutations.Mutant mutant = mutations.record(data);
            update(db, "UPDATE persistent_session_attribute SET data = ? WHERE id = ? AND name = ?", mutant.bytes(),
                    id, name);
            return "attribute bytes: " + mutant.family();
        }
        String column = List.of("version", "creation_time", "access_time", "max_inactive", "removed")
                .get(mutations.nextInt(5));
        long value = List.of(-1L, 0L, Long.MIN_VALUE, Long.MAX_VALUE, 7L, (long) Integer.MAX_VALUE)
                .get(mutations.nextInt(6));
        if (column.equals("max_inactive") || column.equals("removed")) {
            value = column.equals("removed") ? mutations.nextInt(3) + 2 : (int) value;
        }
        update(db, "UPDATE persistent_session SET " + column + " = ? WHERE id = ?", value, id);
        return "session column: " + column;
    }

    private static void update(Connection db, String sql, Object... values) throws SQLException {
        try (PreparedStatement update = db.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                update.setObject(i + 1, values[i]);
            }
            assertEquals(1, update.executeUpdate(), sql);
        }
    }
}
