package dev.tandem.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthenticationTest {
    private final TestCluster cluster = new TestCluster("a", "b", "c");
    private final AtomicInteger handled = new AtomicInteger();
    private ClusterEndpoint b;

    @BeforeEach
    void startB() {
        b = cluster.start("b");
        b.register("shop", (from, type, payload) -> {
            handled.incrementAndGet();
            return CompletableFuture.completedFuture(payload);
        });
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private int bPort() {
        return cluster.member("b").port();
    }

    /** Runs the client side of the handshake by hand with {@code config}, then sends one request. */
    private byte[] handshakeAndRequest(ClusterConfig config) throws IOException {
        try (Socket s = RawSocket.connect(bPort())) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            OutputStream out = s.getOutputStream();
            Handshake.connect(in, out, config, cluster.member("b"));
            out.write(Frame.request(2, 1, "shop", "hi".getBytes(UTF_8)).encode());
            return Frame.read(in, 1024).payload();
        }
    }

    private ClusterConfig withSecret(String name, String secret) {
        Map<String, String> params = new HashMap<>(Map.of("cluster", cluster.list(), "server-id", name,
                "cluster-secret", secret));
        return ClusterConfig.parse(params, k -> null);
    }

    @Test
    void aPeerWithTheSecretIsServed() throws IOException {
        assertArrayEquals("hi".getBytes(UTF_8), handshakeAndRequest(cluster.config("c", Map.of())));
        assertEquals(1, handled.get());
    }

    @Test
    void aPeerWithAnotherSecretGetsAClosedSocket() {
        assertThrows(IOException.class, () -> handshakeAndRequest(withSecret("c", "not-the-secret-of-this-cluster")));
        assertEquals(0, handled.get());
    }

    @Test
    void anEndpointWithAnotherSecretCannotCallAndMarksThePeerDown() throws Exception {
        ClusterConfig wrong = withSecret("a", "not-the-secret-of-this-cluster");
        ClusterEndpoint a = cluster.start(wrong, Clock.systemUTC(), cluster.socket("a"));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> a.request(cluster.member("b"), "shop", 2, new byte[0]).get(10, TimeUnit.SECONDS));
        assertInstanceOf(PeerUnavailableException.class, e.getCause());
        assertFalse(a.isUp(cluster.member("b")));
        assertEquals(0, handled.get());
    }

    @Test
    void aPeerWithoutTheSecretGetsNothingButTheChallengeAndAClosedSocket() throws IOException {
        try (Socket s = RawSocket.connect(bPort())) {
            // Skips the handshake and asks straight away.
            s.getOutputStream().write(Frame.request(2, 1, "shop", new byte[0]).encode());
            assertTrue(RawSocket.readUntilClosed(s).length <= RawSocket.challengeLength("b"));
        }
        try (Socket s = RawSocket.connect(bPort())) {
            // A HELLO with a made-up proof.
            byte[] name = "c".getBytes(UTF_8);
            byte[] hello = java.nio.ByteBuffer.allocate(32 + 2 + name.length + 32).put(new byte[32])
                    .putShort((short) name.length).put(name).put(new byte[32]).array();
            s.getOutputStream().write(new Frame(Frame.HELLO, 0, hello).encode());
            assertTrue(RawSocket.readUntilClosed(s).length <= RawSocket.challengeLength("b"));
        }
        assertEquals(0, handled.get());
    }

    @Test
    void aPeerNotInTheClusterListIsRefusedEvenWithTheSecret() {
        Map<String, String> params = Map.of("cluster", cluster.list() + " mallory=127.0.0.1:1", "server-id", "mallory",
                "cluster-secret", TestCluster.SECRET);
        ClusterConfig mallory = ClusterConfig.parse(params, k -> null);
        assertThrows(IOException.class, () -> handshakeAndRequest(mallory));
        assertEquals(0, handled.get());
    }

    @Test
    void theSecretNeverCrossesTheWireAndAServerThatCannotProveItGetsNoRequest() throws Exception {
        // "c" is a fake: it sends a proper challenge, records what the client says, and answers with a bogus proof.
        ServerSocket fake = cluster.socket("c");
        CompletableFuture<byte[]> captured = CompletableFuture.supplyAsync(() -> {
            try (Socket s = fake.accept()) {
                s.setSoTimeout(10_000);
                byte[] name = "c".getBytes(UTF_8);
                s.getOutputStream().write(new Frame(Frame.CHALLENGE, 0, java.nio.ByteBuffer.allocate(32 + 2 + name.length)
                        .put(new byte[32]).putShort((short) name.length).put(name).array()).encode());
                DataInputStream in = new DataInputStream(s.getInputStream());
                Frame hello = Frame.read(in, 1024);
                s.getOutputStream().write(new Frame(Frame.PROOF, 0, new byte[32]).encode());
                byte[] after = RawSocket.readUntilClosed(s);
                assertEquals(0, after.length, "nothing after the bogus proof");
                return hello.encode();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        ClusterEndpoint a = cluster.start("a");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> a.request(cluster.member("c"), "shop", 2, "payload".getBytes(UTF_8)).get(10, TimeUnit.SECONDS));
        assertInstanceOf(PeerUnavailableException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("failed to prove"), e.getCause().getMessage());

        String sent = new String(captured.get(10, TimeUnit.SECONDS), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(4 + Frame.HEADER + 32 + 2 + 1 + 32, sent.length(), "exactly one HELLO from \"a\" was captured");
        assertTrue(sent.contains("a"));
        assertFalse(sent.contains(TestCluster.SECRET));
        assertFalse(sent.contains(TestCluster.SECRET.substring(0, 8)));
        assertFalse(sent.contains("payload"), "no request before the server proved itself");
    }
}
