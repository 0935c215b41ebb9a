package dev.tandem.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away during a stream of requests and comes back. Node A keeps answering from
 * memory; once the database is back and the failed save has been retried, node B (a fresh
 * reader with always-load-session) sees exactly what A's last response showed.
 *
 * <p>The retry is nudged by read-only requests to A (they change nothing, so the expected value
 * stays the last counter A showed); with core's background retry the nudges are not needed.
 */
class DatabaseOutageTest {
    private static final String TABLE = "outage_session";
    private static final int BEFORE = 5;
    private static final int DURING = 4;
    private static final Duration RECOVERY = Duration.ofMinutes(2);

    @TempDir
    Path directory;

    @Test
    void afterAnH2ServerOutageTheStoreHoldsWhatTheLastResponseShowed() {
        try (H2Server server = H2Server.start(directory)) {
            TestDatabase database = TestDatabase.h2(server.url("outage"));
            database.announce(getClass());
            survive(database.parameters(TABLE), server::stop, server::restart);
        }
    }

    @Test
    void afterAPostgreSqlOutageTheStoreHoldsWhatTheLastResponseShowed() {
        TestDatabase database = TestDatabase.postgres();
        // Stopping the server needs root and the cluster's name; skipped without them, even in CI.
        String cluster = System.getenv("TANDEM_TEST_POSTGRES_CLUSTER");
        Assumptions.assumeTrue(cluster != null && !cluster.isBlank() && "root".equals(System.getProperty("user.name")),
                "TANDEM_TEST_POSTGRES_CLUSTER is not set or not root: cannot stop and start PostgreSQL");
        database.announce(getClass());
        database.dropTables(TABLE);
        String[] versionAndName = cluster.trim().split("\\s+");
        survive(database.parameters(TABLE),
                () -> pgCtlCluster(versionAndName, "stop"),
                () -> pgCtlCluster(versionAndName, "start"));
    }

    private static void survive(Map<String, String> store, Runnable stopDatabase, Runnable startDatabase) {
        TestClient client = TestClient.withCookies();
        try (AppNode a = AppNode.start(store, false); AppNode b = AppNode.start(store, true)) {
            int last = 0;
            for (int i = 1; i <= BEFORE; i++) {
                last = Integer.parseInt(a.probe(client, "count"));
                assertEquals(i, last);
            }
            stopDatabase.run();
            try {
                for (int i = 1; i <= DURING; i++) {
                    last = Integer.parseInt(a.probe(client, "count"));
                    assertEquals(BEFORE + i, last, "served from memory while the database is down");
                }
            } finally {
                startDatabase.run();
            }
            String expected = String.valueOf(last);
            Await.until("node B reads counter " + expected + " from the database", RECOVERY, () -> {
                assertEquals(expected, a.probe(client, "get?name=counter"));
                return expected.equals(b.probe(client, "get?name=counter"));
            });
        }
    }

    private static void pgCtlCluster(String[] versionAndName, String action) {
        List<String> command = new ArrayList<>(List.of("pg_ctlcluster"));
        if (action.equals("stop")) {
            command.addAll(List.of("-m", "fast"));
        }
        command.addAll(List.of(versionAndName));
        command.add(action);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            boolean done = process.waitFor(120, TimeUnit.SECONDS);
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(done && process.exitValue() == 0, String.join(" ", command) + " failed: " + output);
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
