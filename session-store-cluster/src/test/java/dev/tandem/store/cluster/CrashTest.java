package dev.tandem.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster nodes as separate JVMs on loopback, each with its own directory and ports, serving
 * the probe servlet through the session filter with {@code persistent-store=cluster}; the owner is
 * killed with SIGKILL in the middle of a stream of writes.
 */
class CrashTest {
    private static final String[] NAMES = {"a", "b", "c"};

    @TempDir
    Path directory;

    private final ChildNode[] nodes = new ChildNode[3];
    private final List<ChildNode> started = new ArrayList<>();
    private String cluster;

    @AfterEach
    void killEveryNode() {
        for (ChildNode node : started) {
            node.kill();
        }
    }

    private void startAll(String backupMode) {
        StringBuilder list = new StringBuilder();
        for (String name : NAMES) {
            list.append(name).append("=127.0.0.1:").append(TestCluster.freePort()).append(' ');
        }
        cluster = list.toString().trim();
        List<CompletableFuture<ChildNode>> starting = new ArrayList<>();
        for (String name : NAMES) {
            starting.add(track(ChildNode.start(name, cluster, directory, backupMode)));
        }
        for (int i = 0; i < NAMES.length; i++) {
            nodes[i] = ChildNode.awaitReady(starting.get(i));
        }
    }

    private CompletableFuture<ChildNode> track(CompletableFuture<ChildNode> starting) {
        return starting.thenApply(node -> {
            synchronized (started) {
                started.add(node);
            }
            return node;
        });
    }

    private void restart(int index, String backupMode) {
        nodes[index] = ChildNode.awaitReady(track(ChildNode.start(NAMES[index], cluster, directory, backupMode)));
    }

    @Test
    void killingTheOwnerMidStreamLosesNoAcknowledgedWriteANewBackupIsPopulatedAndTheRestartServesTheNewestVersion() {
        startAll("sync");
        TestClient client = TestClient.withCookies();
        assertEquals("1", count(client, 0));
        String id = client.cookie("JSESSIONID").orElseThrow();
        assertEquals(0, SessionId.ownerIndex(id), "the node that made the session owns it");
        int backup = SessionId.backupIndex(id);
        int other = 3 - backup; // neither owner (0) nor backup
        assertTrue(backup == 1 || backup == 2, "a live peer backs it up: " + id);

        AtomicInteger acknowledged = new AtomicInteger(1);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                try {
                    HttpResponse<String> r = client.get(nodes[0].uri("/app/probe/count"));
                    if (r.statusCode() != 200) {
                        return;
                    }
                    acknowledged.set(Integer.parseInt(r.body()));
                } catch (UncheckedIOException e) {
                    return; // the owner is gone
                }
            }
        });
        Await.until("the owner acknowledged 20 writes", Duration.ofSeconds(60), () -> acknowledged.get() >= 20);
        nodes[0].kill();
        stop.set(true);
        stream.join();
        int last = acknowledged.get();

        int onBackup = Integer.parseInt(count(client, backup));
        // The write in flight when the owner died may have reached the backup without its response reaching us.
        assertTrue(onBackup == last + 1 || onBackup == last + 2, "last acknowledged " + last + ", backup counted " + onBackup);
        assertEquals(String.valueOf(onBackup + 1), count(client, other), "a server that is neither owner nor backup");
        assertEquals(String.valueOf(onBackup + 2), count(client, backup));

        // Acting as owner, the backup put a second copy on the third server: losing the backup too loses nothing.
        nodes[backup].kill();
        assertEquals(String.valueOf(onBackup + 3), count(client, other), "the new backup had every acknowledged write");

        restart(0, "sync");
        assertEquals(String.valueOf(onBackup + 4), count(client, 0), "the restarted owner's older disk copy did not win");
        assertEquals(String.valueOf(onBackup + 5), count(client, other));
    }

    @Test
    void afterTheBackupIsKilledTheOwnerBacksUpElsewhereSoKillingTheOwnerTooLosesNothing() {
        startAll("sync");
        TestClient client = TestClient.withCookies();
        assertEquals("1", count(client, 0));
        String id = client.cookie("JSESSIONID").orElseThrow();
        int backup = SessionId.backupIndex(id);
        int other = 3 - backup;

        nodes[backup].kill();
        int last = 1;
        for (int i = 0; i < 10; i++) {
            last = Integer.parseInt(count(client, 0));
        }
        nodes[0].kill();

        assertEquals(String.valueOf(last + 1), count(client, other), "the new backup had every acknowledged write");
    }

    private String count(TestClient client, int node) {
        HttpResponse<String> r = client.get(nodes[node].uri("/app/probe/count"));
        assertEquals(200, r.statusCode(), "node " + NAMES[node] + ": " + r.body());
        return r.body();
    }
}
