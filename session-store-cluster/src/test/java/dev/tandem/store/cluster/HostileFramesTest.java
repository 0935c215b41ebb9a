package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.cluster.HostileSocket;
import dev.tandem.session.SessionId;
import dev.tandem.testing.TestClient;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster nodes as separate JVMs; the owner of a live session gets garbage, truncated,
 * oversized and unauthenticated frames on its cluster port from a raw socket. Each such connection
 * is closed; the session, its replication to the backup and the other peers' requests go on as
 * before. (Core's MalformedInputTest covers the same inputs on one endpoint, case by case.)
 */
class HostileFramesTest {
    private static final int OWNER = 0;

    @TempDir
    Path directory;

    @Test
    void hostileConnectionsToTheOwnersClusterPortAreClosedAndItsSessionsAndPeersCarryOn() throws IOException {
        try (ChildCluster cluster = ChildCluster.start(directory, "sync")) {
            TestClient client = TestClient.withCookies();
            assertEquals("1", cluster.count(client, OWNER));
            assertEquals("2", cluster.count(client, OWNER));
            String id = client.cookie("JSESSIONID").orElseThrow();
            int backup = SessionId.backupIndex(id);
            int other = 3 - backup;
            int port = cluster.clusterPort(OWNER);

            for (Map.Entry<String, byte[]> bad : unauthenticated(id).entrySet()) {
                try (Socket s = HostileSocket.connect(port)) {
                    s.getOutputStream().write(bad.getValue());
                    s.shutdownOutput();
                    assertTrue(HostileSocket.readUntilClosed(s).length <= HostileSocket.challengeLength("a"),
                            bad.getKey() + ": nothing but the challenge, then a closed socket");
                }
            }
            try (Socket s = HostileSocket.authenticated(cluster.list(), "not-the-secret-of-this-cluster", "c", "a")) {
                throw new AssertionError("a handshake with another secret was accepted");
            } catch (IOException expected) {
                // refused: the connection is closed during the handshake
            }
            for (Map.Entry<String, byte[]> bad : afterTheHandshake().entrySet()) {
                try (Socket s = HostileSocket.authenticated(cluster.list(), TestCluster.SECRET, "c", "a")) {
                    s.getOutputStream().write(bad.getValue());
                    s.shutdownOutput();
                    assertEquals(0, HostileSocket.readUntilClosed(s).length, bad.getKey() + ": no answer, a closed socket");
                }
            }

            assertEquals("3", cluster.count(client, OWNER), "the owner still serves the session");
            assertEquals("4", cluster.count(client, other), "a peer still loads and stores through the owner");
            assertEquals("5", cluster.count(client, backup));
            cluster.kill(OWNER);
            assertEquals("6", cluster.count(client, backup), "the backup still received every write");
        }
    }

    /** Sent before any handshake: the server expects a HELLO and gets these. */
    private static Map<String, byte[]> unauthenticated(String id) {
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("garbage", "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(UTF_8));
        bad.put("a store request without a handshake",
                HostileSocket.request(MessageType.READ_COPY, "app", WireFormat.id(id)));
        bad.put("a 2 GiB length", HostileSocket.header(Integer.MIN_VALUE, HostileSocket.VERSION, 0xF1, new byte[0]));
        bad.put("a HELLO cut short", HostileSocket.header(60, HostileSocket.VERSION, 0xF1, new byte[] {1, 2, 3}));
        return bad;
    }

    /** Sent after a valid handshake as server c. */
    private static Map<String, byte[]> afterTheHandshake() {
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("garbage", "\u0000\u0000\u0000\u0001garbage that is no frame".getBytes(UTF_8));
        bad.put("a frame larger than max-frame-size (16m)",
                HostileSocket.header(17 * 1024 * 1024, HostileSocket.VERSION, MessageType.STORE, new byte[0]));
        byte[] whole = HostileSocket.request(MessageType.REPLICATE, "app", new byte[200]);
        byte[] cut = new byte[100];
        System.arraycopy(whole, 0, cut, 0, cut.length);
        bad.put("a frame cut short", cut);
        bad.put("another protocol version", HostileSocket.header(HostileSocket.HEADER, 9, MessageType.LOAD, new byte[0]));
        return bad;
    }
}
