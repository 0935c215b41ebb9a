package dev.tandem.cluster;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.Map;

/**
 * Core's {@link RawSocket} for the cluster store's tests, which live in another package: a
 * hand-driven socket to a cluster port, for what a real peer never sends (raw bytes, frames cut
 * short or too large, requests without a handshake). Here because the frame and handshake code it
 * reuses is package-private (as {@link SimulatedFaults}).
 */
public final class HostileSocket {
    /** Protocol version and header size, for building frames by hand. */
    public static final int VERSION = Frame.VERSION;
    public static final int HEADER = Frame.HEADER;

    private HostileSocket() {}

    /** A connection that has not authenticated. */
    public static Socket connect(int port) throws IOException {
        return RawSocket.connect(port);
    }

    /** A connection to {@code target} that passed the handshake as server {@code as} of {@code cluster}. */
    public static Socket authenticated(String cluster, String secret, String as, String target) throws IOException {
        ClusterConfig config = ClusterConfig.parse(Map.of("cluster", cluster, "server-id", as, "cluster-secret", secret));
        ClusterMember member = config.topology().byName(target).orElseThrow();
        Socket s = RawSocket.connect(member.port());
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
        return RawSocket.frame(length, version, type, 1, payload);
    }

    /** The most an unauthenticated client may receive: the server's challenge. */
    public static int challengeLength(String serverName) {
        return RawSocket.challengeLength(serverName);
    }

    /** Everything received until the other side closed; fails if it is still open after 10s of silence. */
    public static byte[] readUntilClosed(Socket s) throws IOException {
        return RawSocket.readUntilClosed(s);
    }
}
