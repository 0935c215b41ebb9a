package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a backup is lost, the owner puts the sessions it backed up on another server at once, without
 * waiting for their next save, so that losing the owner afterwards loses none of them: across
 * separate JVMs killed with SIGKILL, and in one JVM for a backup that comes back with an empty disk.
 */
class BackupRepairTest {
    private static final int SESSIONS = 12;

    @TempDir
    Path directory;

    @Test
    void sessionsOfAKilledBackupAreCopiedToANewBackupAtOnceSoKillingTheOwnerTooLosesNone() {
        try (ChildCluster cluster = ChildCluster.start(directory, "sync")) {
            // Sessions made on a, each backed up on b or c at random.
            List<TestClient> clients = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                TestClient client = TestClient.withCookies();
                cluster.count(client, 0);
                assertEquals("2", cluster.count(client, 0));
                clients.add(client);
            }
            int lost = SessionId.backupIndex(id(clients.get(0)));
            int survivor = 3 - lost;
            List<TestClient> orphans = clients.stream().filter(c -> SessionId.backupIndex(id(c)) == lost).toList();
            for (TestClient orphan : orphans) {
                assertFalse(cluster.holds(survivor, id(orphan)), "before: only the owner and its backup hold a session");
            }

            cluster.kill(lost);
            // No request touches these sessions: the owner notices the lost backup by itself.
            Await.until(orphans.size() + " sessions backed up on " + ChildCluster.NAMES[lost] + " copied to "
                    + ChildCluster.NAMES[survivor], Duration.ofSeconds(30),
                    () -> orphans.stream().allMatch(c -> cluster.holds(survivor, id(c))));
            cluster.kill(0);

            for (TestClient orphan : orphans) {
                assertEquals("3", cluster.count(orphan, survivor), "the last server standing had the session");
            }
        }
    }

    @Test
    void aSessionSavedWhileItsOnlyBackupWasDownIsCopiedToItWhenItComesBackWithAnEmptyDisk() throws IOException {
        try (TestCluster cluster = new TestCluster(directory, 2, Map.of()).startAll()) {
            String id = SessionId.generate("ab");
            cluster.node(0).save(change(id, "1"));
            cluster.stop(1);
            cluster.node(0).save(change(id, "2")); // no live peer: one copy only
            wipe(directory.resolve("node-b"));
            cluster.start(1);

            Path copies = directory.resolve("node-b").resolve("log").resolve("test-app");
            Await.until("b's disk copy holds the session again", Duration.ofSeconds(30), () -> ChildCluster.holds(copies, id));
            cluster.stop(0);
            StoredSession onB = cluster.node(1).load(id);
            assertEquals(2, onB.version());
            assertEquals("2", new String(onB.attributes().get("count"), UTF_8));
        }
    }

    private static SessionChange change(String id, String count) {
        long now = System.currentTimeMillis();
        return new SessionChange(id, now, now, 1800, Map.of("count", count.getBytes(UTF_8)), Set.of());
    }

    private static void wipe(Path path) throws IOException {
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String id(TestClient client) {
        return client.cookie("JSESSIONID").orElseThrow();
    }
}
