package dev.tandem.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.testing.TestClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sticky sessions: node A serves a session and stops; node B, started on the same database, serves all of it. */
class RestartTest {
    private static final String TABLE = "restart_session";

    @TempDir
    Path directory;

    @Test
    void aSessionServedByAStoppedNodeIsServedWithEveryAttributeByTheNextNodeOnEmbeddedH2() {
        System.out.println("[jdbc tests] RestartTest runs on embedded H2 " + org.h2.engine.Constants.FULL_VERSION);
        handOver(Map.of("path", directory.resolve("sessions").toString()));
    }

    @Test
    void aSessionServedByAStoppedNodeIsServedWithEveryAttributeByTheNextNodeOnPostgreSql() {
        TestDatabase database = TestDatabase.postgres();
        database.announce(getClass());
        database.dropTables(TABLE);
        handOver(database.parameters(TABLE));
    }

    @Test
    void aSessionServedByAStoppedNodeIsServedWithEveryAttributeByTheNextNodeOnMariaDb() {
        TestDatabase database = TestDatabase.mariadb();
        database.announce(getClass());
        database.dropTables(TABLE);
        handOver(database.parameters(TABLE));
    }

    private static void handOver(Map<String, String> store) {
        TestClient client = TestClient.withCookies();
        try (AppNode a = AppNode.start(store, false)) {
            a.probe(client, "set?name=user&value=alice");
            a.probe(client, "set?name=cart&value=3%20books");
            a.probe(client, "set?name=theme&value=dark");
            a.probe(client, "remove?name=theme");
            a.probe(client, "count");
            assertEquals("2", a.probe(client, "count"));
        }
        try (AppNode b = AppNode.start(store, false)) {
            assertEquals("alice", b.probe(client, "get?name=user"));
            assertEquals("3 books", b.probe(client, "get?name=cart"));
            assertEquals("null", b.probe(client, "get?name=theme"));
            assertEquals("3", b.probe(client, "count"));
        }
    }
}
