package dev.tandem.store.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tandem.session.SessionId;
import dev.tandem.testing.TestClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A balancer that knows nothing of sessions (DNS round robin, a Kubernetes Service, an L4
 * balancer): each request of one browser goes to the next node in turn, and always-load-session is
 * left at its default. Cluster nodes are separate JVMs on loopback. Every increment must count on
 * from the last acknowledged one: a node that served a copy older than what the owner acknowledged
 * since would count back, and its next write would lose the increments in between.
 */
class DumbBalancerTest {
    private static final int INCREMENTS = 1000;

    @TempDir
    Path directory;

    private final List<ChildNode> started = new ArrayList<>();

    @AfterEach
    void killEveryNode() {
        for (ChildNode node : started) {
            node.kill();
        }
    }

    @Test
    void requestsRotatedOverThreeNodesCountOneToAThousandInOrder() {
        countRotated(start(3), -1);
    }

    @Test
    void requestsRotatedOverFiveNodesCountOneToAThousandInOrder() {
        countRotated(start(5), -1);
    }

    @Test
    void requestsRotatedOverThreeNodesCountOnInOrderWhenTheOwnerIsKilledHalfway() {
        countRotated(start(3), INCREMENTS / 2);
    }

    @Test
    void requestsRotatedOverFiveNodesCountOnInOrderWhenTheOwnerIsKilledHalfway() {
        countRotated(start(5), INCREMENTS / 2);
    }

    /** Sends the increments round robin over the live nodes; kills the session's owner after {@code killAfter}. */
    private void countRotated(List<ChildNode> nodes, int killAfter) {
        TestClient client = TestClient.withCookies();
        List<ChildNode> live = new ArrayList<>(nodes);
        for (int i = 1; i <= INCREMENTS; i++) {
            ChildNode node = live.get(i % live.size());
            HttpResponse<String> r = client.get(node.uri("/app/probe/count"));
            assertEquals(200, r.statusCode(), "increment " + i + " on " + node + ": " + r.body());
            assertEquals(String.valueOf(i), r.body(), "increment " + i + " on " + node + " of " + live);
            if (i == killAfter) {
                ChildNode owner = nodes.get(SessionId.ownerIndex(client.cookie("JSESSIONID").orElseThrow()));
                owner.kill();
                live.remove(owner);
            }
        }
    }

    private List<ChildNode> start(int count) {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < count; i++) {
            list.append((char) ('a' + i)).append("=127.0.0.1:").append(TestCluster.freePort()).append(' ');
        }
        String cluster = list.toString().trim();
        List<CompletableFuture<ChildNode>> starting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            starting.add(ChildNode.start(String.valueOf((char) ('a' + i)), cluster, directory, "sync").thenApply(node -> {
                synchronized (started) {
                    started.add(node);
                }
                return node;
            }));
        }
        List<ChildNode> nodes = new ArrayList<>();
        for (CompletableFuture<ChildNode> node : starting) {
            nodes.add(ChildNode.awaitReady(node));
        }
        return nodes;
    }
}
