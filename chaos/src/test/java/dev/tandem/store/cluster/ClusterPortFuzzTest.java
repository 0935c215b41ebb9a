package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.chaos.Mutations;
import dev.tandem.cluster.ClusterConfig;
import dev.tandem.cluster.PeerWire;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated and mutated frames against the real cluster store's port (servers a and b in this JVM;
 * c is in the cluster list but not running, so the test can speak as c). Before the handshake the
 * node must answer nothing but its challenge and change nothing; after it, malformed frames may
 * close the connection but never stop the node, corrupt another session or grow its memory.
 * This package only for the store's {@link WireFormat} and {@link MessageType}.
 */
class ClusterPortFuzzTest {
    static final int UNAUTHENTICATED_FRAMES = 4_000;
    static final int WRONG_SECRETS = 300;
    static final int REPLAYED_HANDSHAKES = 300;
    static final int AUTHENTICATED_FRAMES = 6_000;
    private static final int FRAMES_PER_CONNECTION = 50;
    private static final String APP = "fuzz";
    private static final String SECRET = "chaos-fuzz-secret-5c1e";

    @TempDir
    Path directory;

    private String list;
    private SessionStore a;
    private SessionStore b;
    private int portA;
    private final String probe = SessionId.generate("ab");

    @BeforeEach
    void startTwoOfThreeServers() throws IOException {
        portA = freePort();
        list = "a=127.0.0.1:" + portA + " b=127.0.0.1:" + freePort() + " c=127.0.0.1:" + freePort();
        a = store("a");
        b = store("b");
        a.save(change(probe, "v", "1"));
    }

    @AfterEach
    void stop() {
        b.close();
        a.close();
    }

    private SessionStore store(String name) {
        Map<String, String> params = new HashMap<>();
        params.put("cluster", list);
        params.put("server-id", name);
        params.put("cluster-secret", SECRET);
        params.put("path", directory.resolve(name).toString());
        params.put("recover-time", "1s");
        return new ClusterStoreProvider().create(new StoreContext(APP, params, Clock.systemUTC(),
                Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    @Test
    void framesFromPeersThatDidNotProveTheSecretGetOnlyTheChallengeAndChangeNothing() throws IOException {
        Mutations mutations = new Mutations(9484);
        List<byte[]> corpus = corpus(probe);
        int challenge = PeerWire.challengeLength("a");
        for (int i = 0; i < UNAUTHENTICATED_FRAMES; i++) {
            byte[] valid = corpus.get(i % corpus.size());
            byte[] frame = i % 4 == 0 ? valid : mutations.frame(valid).bytes();
            try (Socket s = connect()) {
                sendQuietly(s, frame);
                // Done sending: a frame cut short then meets the end of the stream, not the handshake timeout.
                shutdownOutputQuietly(s);
                int received = readUntilClosed(s);
                assertTrue(received <= challenge, "frame " + i + " got " + received + " bytes back");
            }
        }
        ClusterConfig wrong = PeerWire.config(list, "c", "not-" + SECRET);
        for (int i = 0; i < WRONG_SECRETS; i++) {
            try (Socket s = connect()) {
                assertThrows(IOException.class, () -> PeerWire.handshake(s, wrong, "a"));
            }
        }
        byte[] hello;
        try (Socket s = connect()) {
            hello = PeerWire.handshake(s, PeerWire.config(list, "c", SECRET), "a");
        }
        for (int i = 0; i < REPLAYED_HANDSHAKES; i++) {
            try (Socket s = connect()) {
                // The HELLO of a real handshake, replayed: its proof answered another challenge.
                sendQuietly(s, concat(hello, corpus.get(i % corpus.size())));
                shutdownOutputQuietly(s);
                assertTrue(readUntilClosed(s) <= challenge, "a replayed handshake got more than the challenge");
            }
        }
        System.out.println("unauthenticated frames by family: " + mutations.counts());
        probeIsUnchanged();
        nodeAStillServesPeers();
    }

    @Test
    void mutatedFramesFromAnAuthenticatedPeerNeverStopTheNodeNorGrowItsMemory() throws IOException {
        Mutations mutations = new Mutations(24813);
        List<byte[]> corpus = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            corpus.addAll(corpus(SessionId.generate("ab")));
        }
        ClusterConfig asC = PeerWire.config(list, "c", SECRET);
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = Thread.activeCount();
        int sent = 0;
        while (sent < AUTHENTICATED_FRAMES) {
            try (Socket s = connect()) {
                PeerWire.handshake(s, asC, "a");
                ByteArrayOutputStream batch = new ByteArrayOutputStream();
                for (int i = 0; i < FRAMES_PER_CONNECTION; i++, sent++) {
                    byte[] valid = corpus.get(mutations.nextInt(corpus.size()));
                    batch.writeBytes(i % 3 == 0 ? valid : mutations.frame(valid).bytes());
                }
                sendQuietly(s, batch.toByteArray());
                shutdownOutputQuietly(s);
                readUntilClosed(s);
            }
        }
        System.out.println("authenticated frames by family: " + mutations.counts());
        probeIsUnchanged();
        nodeAStillServesPeers();
        long grown = usedHeapAfterGc() - heapBefore;
        assertTrue(grown < 64 << 20, "the heap grew by " + (grown >> 20) + " MiB over " + sent + " frames");
        Await.until("the fuzzing connections' threads end", Duration.ofSeconds(30),
                () -> Thread.activeCount() <= threadsBefore + 8);
    }

    /** A valid request of every type the store answers, about session {@code id}. */
    private static List<byte[]> corpus(String id) {
        SessionChange change = change(id, "v", "evil");
        StoredSession record = new StoredSession(id, 99, 1, 2, 1800, Map.of("v", "evil".getBytes(UTF_8)));
        List<byte[]> frames = new ArrayList<>();
        frames.add(PeerWire.request(MessageType.VERSION, 1, APP, WireFormat.id(id)));
        frames.add(PeerWire.request(MessageType.LOAD, 2, APP, WireFormat.id(id)));
        frames.add(PeerWire.request(MessageType.STORE, 3, APP, WireFormat.change(change)));
        frames.add(PeerWire.request(MessageType.REPLICATE, 4, APP, WireFormat.replica(change, 1, 98)));
        frames.add(PeerWire.request(MessageType.REPLICATE_FULL, 5, APP, WireFormat.record(record)));
        frames.add(PeerWire.request(MessageType.TOUCH, 6, APP, WireFormat.idAndNumber(id, 3)));
        frames.add(PeerWire.request(MessageType.REMOVE, 7, APP, WireFormat.id(id)));
        frames.add(PeerWire.request(MessageType.READ_COPY, 8, APP, WireFormat.id(id)));
        frames.add(PeerWire.request(MessageType.OWNER_VERSION, 9, APP, WireFormat.id(id)));
        frames.add(PeerWire.request(MessageType.MISSED, 10, APP, WireFormat.ids(List.of(id))));
        return frames;
    }

    private void probeIsUnchanged() {
        StoredSession onA = a.load(probe);
        assertEquals(1, onA.version(), "the probe session's version on its owner");
        assertEquals("1", new String(onA.attributes().get("v"), UTF_8));
    }

    /** A save through b (not the owner) goes to a and back: a's cluster port still serves its real peer. */
    private void nodeAStillServesPeers() {
        String id = SessionId.generate("ab");
        assertEquals(1, b.save(change(id, "v", "after")));
        assertEquals("after", new String(a.load(id).attributes().get("v"), UTF_8));
    }

    private static SessionChange change(String id, String name, String value) {
        return new SessionChange(id, 1, 2, 1800, Map.of(name, value.getBytes(UTF_8)), Set.of());
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), portA);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Writes what it can: the node may close the connection at the first bad byte, which is its right. */
    private static void sendQuietly(Socket s, byte[] bytes) {
        try {
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
        } catch (IOException e) {
            // closed by the node already
        }
    }

    private static void shutdownOutputQuietly(Socket s) {
        try {
            s.shutdownOutput();
        } catch (IOException e) {
            // closed by the node already
        }
    }

    /** Bytes received until the node closed; fails if it still holds the connection after 10 s of silence. */
    private static int readUntilClosed(Socket s) throws IOException {
        int total = 0;
        byte[] buffer = new byte[8192];
        InputStream in = s.getInputStream();
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the node still holds the connection after 10 s of silence", e);
        } catch (SocketException e) {
            // reset: closed with our bytes unread
        }
        return total;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] all = java.util.Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, all, x.length, y.length);
        return all;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
