package dev.tandem.cluster;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A hand-driven socket to a cluster port, for what a real peer never sends: raw bytes, frames cut
 * short or too large, requests without a handshake. Lives in the transport's package because the
 * frame and handshake code it reuses is package-private (as {@link SimulatedFaults}).
 */
public final class HostileSocket {
    private HostileSocket() {}

    /** A connection that has not authenticated. */
    public static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(20_000);
        return s;
    }

    /** A connection to {@code target} that passed the handshake as server {@code as} of {@code cluster}. */
    public static Socket authenticated(String cluster, String secret, String as, String target) throws IOException {
        ClusterConfig config = ClusterConfig.parse(Map.of("cluster", cluster, "server-id", as, "cluster-secret", secret));
        ClusterMember member = config.topology().byName(target).orElseThrow();
        Socket s = connect(member.port());
        Handshake.connect(new DataInputStream(new BufferedInputStream(s.getInputStream())), s.getOutputStream(), config,
                member);
        return s;
    }

    /** A well-formed request frame of the cluster store's {@code type} for {@code webApp}. */
    public static byte[] request(int type, String webApp, byte[] body) {
        return Frame.request(type, 1, webApp, body).encode();
    }

    /** A frame header claiming {@code length} bytes after the length prefix, then {@code payload}. */
    public static byte[] header(int length, int version, int type, byte[] payload) {
        return ByteBuffer.allocate(4 + 2 + 8 + payload.length).putInt(length).put((byte) version).put((byte) type)
                .putLong(1).put(payload).array();
    }

    /** Protocol version and header size, for building frames by hand. */
    public static final int VERSION = Frame.VERSION;
    public static final int HEADER = Frame.HEADER;

    /** The most an unauthenticated client may receive: the server's challenge. */
    public static int challengeLength(String serverName) {
        return 4 + Frame.HEADER + Handshake.NONCE + 2 + serverName.length();
    }

    /** Everything received until the other side closed; throws if it is still open after 20s of silence. */
    public static byte[] readUntilClosed(Socket s) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        InputStream in = s.getInputStream();
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open after 20s of silence", e);
        } catch (SocketException e) {
            // reset: closed with our bytes unread, which is closed all the same
        }
        return received.toByteArray();
    }
}
