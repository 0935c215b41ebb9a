package dev.tandem.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tandem.session.SessionId;
import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster nodes as separate JVMs: when a backup is killed, the owner puts the sessions it
 * backed up on another server at once, without waiting for their next save, so that killing the
 * owner afterwards loses none of them.
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

    private static String id(TestClient client) {
        return client.cookie("JSESSIONID").orElseThrow();
    }
}
