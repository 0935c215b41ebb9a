package dev.tandem.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever arrives on the cluster port, before or after authentication, closes that one
 * connection; a real peer's requests keep being answered throughout.
 */
class MalformedInputTest {
    private final TestCluster cluster = new TestCluster("a", "b", "c");
    private final AtomicInteger handled = new AtomicInteger();
    private ClusterEndpoint a;
    private ClusterEndpoint b;

    @BeforeEach
    void start() {
        Map<String, String> small = Map.of("max-frame-size", "64k");
        a = cluster.start("a", small, Clock.systemUTC());
        b = cluster.start("b", small, Clock.systemUTC());
        b.register("shop", (from, type, payload) -> {
            handled.incrementAndGet();
            return CompletableFuture.completedFuture(payload);
        });
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    /** The real peer "a" keeps its connection and gets its answer. */
    private void realPeerIsServed(String text) throws Exception {
        int before = handled.get();
        byte[] answer = a.request(cluster.member("b"), "shop", 2, text.getBytes(UTF_8)).get(10, TimeUnit.SECONDS);
        assertEquals(text, new String(answer, UTF_8));
        assertEquals(before + 1, handled.get());
    }

    private Socket unauthenticated() throws IOException {
        return RawSocket.connect(cluster.member("b").port());
    }

    private Socket authenticatedAsC() throws IOException {
        Socket s = RawSocket.connect(cluster.member("b").port());
        Handshake.connect(new DataInputStream(new BufferedInputStream(s.getInputStream())), s.getOutputStream(),
                cluster.config("c", Map.of()), cluster.member("b"));
        return s;
    }

    private static List<byte[]> badInputs() {
        List<byte[]> all = new ArrayList<>();
        all.add("GET / HTTP/1.1\r\nHost: b\r\n\r\n".getBytes(UTF_8)); // garbage
        all.add(new byte[] {(byte) 0x80, 0, 0, 0, 1, 2, 3}); // a 2 GiB length
        all.add(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // 4 GiB, or -1
        all.add(new byte[] {0, 0, 0, 3, 1, 2, 3}); // shorter than a header
        all.add(RawSocket.frame(Frame.HEADER + 2 + 4 + 1, 2, 2, 1, new byte[] {0, 4, 's', 'h', 'o', 'p', 'x'})); // version 2
        all.add(RawSocket.frame(Frame.HEADER, 1, 0, 1, new byte[0])); // type 0
        all.add(RawSocket.frame(Frame.HEADER, 1, 0xFF, 1, new byte[0])); // unknown transport type
        all.add(RawSocket.frame(Frame.HEADER, 1, Frame.RESPONSE, 1, new byte[0])); // a response sent to the server
        all.add(RawSocket.frame(Frame.HEADER + 1, 1, 2, 1, new byte[] {9})); // request without a web-app name
        return all;
    }

    @Test
    void badBytesBeforeTheHandshakeCloseThatConnectionOnly() throws Exception {
        realPeerIsServed("first");
        for (byte[] bad : badInputs()) {
            try (Socket s = unauthenticated()) {
                s.getOutputStream().write(bad);
                assertTrue(RawSocket.readUntilClosed(s).length <= RawSocket.challengeLength("b"));
            }
            realPeerIsServed("after " + bad.length);
        }
        assertEquals(badInputs().size() + 1, handled.get(), "only the real peer's requests ran");
    }

    @Test
    void badBytesAfterTheHandshakeCloseThatConnectionOnly() throws Exception {
        for (byte[] bad : badInputs()) {
            try (Socket s = authenticatedAsC()) {
                s.getOutputStream().write(bad);
                assertEquals(0, RawSocket.readUntilClosed(s).length, "no answer to " + bad.length + " bad bytes");
            }
            realPeerIsServed("after " + bad.length);
        }
    }

    @Test
    void aFrameCutShortClosesTheConnection() throws Exception {
        try (Socket s = authenticatedAsC()) {
            byte[] whole = Frame.request(2, 1, "shop", new byte[100]).encode();
            s.getOutputStream().write(whole, 0, 50);
            s.shutdownOutput();
            assertEquals(0, RawSocket.readUntilClosed(s).length);
        }
        try (Socket s = unauthenticated()) {
            s.getOutputStream().write(new byte[] {0, 0, 0, 60, 1, (byte) Frame.HELLO, 0});
            s.shutdownOutput();
            assertTrue(RawSocket.readUntilClosed(s).length <= RawSocket.challengeLength("b"));
        }
        realPeerIsServed("still here");
        assertEquals(1, handled.get());
    }

    @Test
    void aFrameLargerThanTheMaximumIsRefusedBeforeItIsRead() throws Exception {
        try (Socket s = authenticatedAsC()) {
            // The header claims 64 KiB + 1; the body never comes, and need not.
            s.getOutputStream().write(RawSocket.frame(64 * 1024 + 1, 1, 2, 1, new byte[0]));
            assertEquals(0, RawSocket.readUntilClosed(s).length);
        }
        realPeerIsServed("fine");
    }

    @Test
    void aPeerThatSaysNothingIsDroppedAfterTheHandshakeTimeout() throws Exception {
        // Only "c" has a short handshake timeout: a real handshake on a loaded machine may take longer.
        cluster.start("c", Map.of("handshake-timeout", "300ms"), Clock.systemUTC());
        int c = cluster.member("c").port();
        try (Socket s = RawSocket.connect(c)) {
            assertEquals(RawSocket.challengeLength("c"), RawSocket.readUntilClosed(s).length);
        }
        try (Socket s = RawSocket.connect(c)) {
            // A trickle of a HELLO, one byte, never finished: the deadline is for the whole handshake.
            s.getOutputStream().write(0);
            assertTrue(RawSocket.readUntilClosed(s).length <= RawSocket.challengeLength("c"));
        }
        realPeerIsServed("awake");
    }

    @Test
    void anAuthenticatedPeerStaysConnectedBetweenRequests() throws Exception {
        try (Socket s = authenticatedAsC()) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int i = 1; i <= 3; i++) {
                s.getOutputStream().write(Frame.request(2, i, "shop", new byte[] {(byte) i}).encode());
                Frame answer = Frame.read(in, 1024);
                assertEquals(Frame.RESPONSE, answer.type());
                assertEquals(i, answer.requestId());
            }
        }
    }
}
