package dev.tandem.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.testing.TestClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one database with always-load-session, and a client that alternates between them
 * on every request: each node must see the other's last write, so the counter never repeats and
 * never goes back.
 */
class SymmetricLoadBalancingTest {
    private static final int REQUESTS = 200;
    private static final String TABLE = "balanced_session";

    @TempDir
    Path directory;

    @Test
    void aCounterIncrementedAlternatelyOnTwoNodesCountsOneToTwoHundredOnH2() {
        try (H2Server server = H2Server.start(directory)) {
            TestDatabase database = TestDatabase.h2(server.url("balanced"));
            database.announce(getClass());
            countAlternately(database.parameters(TABLE));
        }
    }

    @Test
    void aCounterIncrementedAlternatelyOnTwoNodesCountsOneToTwoHundredOnPostgreSql() {
        TestDatabase database = TestDatabase.postgres();
        database.announce(getClass());
        database.dropTables(TABLE);
        countAlternately(database.parameters(TABLE));
    }

    @Test
    void aCounterIncrementedAlternatelyOnTwoNodesCountsOneToTwoHundredOnMariaDb() {
        TestDatabase database = TestDatabase.mariadb();
        database.announce(getClass());
        database.dropTables(TABLE);
        countAlternately(database.parameters(TABLE));
    }

    private static void countAlternately(Map<String, String> store) {
        try (AppNode a = AppNode.start(store, true); AppNode b = AppNode.start(store, true)) {
            TestClient client = TestClient.withCookies();
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                AppNode node = i % 2 == 0 ? a : b;
                seen.add(Integer.parseInt(node.probe(client, "count")));
            }
            assertEquals(IntStream.rangeClosed(1, REQUESTS).boxed().toList(), seen);
        }
    }
}
