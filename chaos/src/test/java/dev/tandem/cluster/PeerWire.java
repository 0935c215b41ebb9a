package dev.tandem.cluster;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;

/**
 * The cluster transport's frame and handshake, opened up for the chaos module's fuzz tests (which
 * live in this package for that reason only): a socket that completed the real handshake as a
 * named member, the bytes of a HELLO to replay, and frame encoding.
 */
public final class PeerWire {
    private PeerWire() {}

    public static ClusterConfig config(String list, String self, String secret) {
        return ClusterConfig.parse(Map.of(ClusterConfig.CLUSTER, list, ClusterConfig.SERVER_ID, self,
                ClusterConfig.CLUSTER_SECRET, secret), k -> null);
    }

    /** Runs the client side of the handshake on {@code socket}; returns every byte this side sent (the HELLO). */
    public static byte[] handshake(Socket socket, ClusterConfig as, String server) throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        OutputStream tee = new FilterOutputStream(socket.getOutputStream()) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                sent.write(b, off, len);
                out.write(b, off, len);
            }
        };
        ClusterMember expected = as.topology().byName(server).orElseThrow();
        Handshake.connect(new DataInputStream(new BufferedInputStream(socket.getInputStream())), tee, as, expected);
        return sent.toByteArray();
    }

    /** A request frame of the store's protocol for {@code webApp}. */
    public static byte[] request(int type, long requestId, String webApp, byte[] body) {
        return Frame.request(type, requestId, webApp, body).encode();
    }

    /** The bytes of any frame, with any type (the transport's own ones included). */
    public static byte[] frame(int type, long requestId, byte[] payload) {
        return new Frame(type, requestId, payload).encode();
    }

    /** All a peer that has not proved the secret may ever receive: the server's CHALLENGE. */
    public static int challengeLength(String serverName) {
        return 4 + Frame.HEADER + Handshake.NONCE + 2 + serverName.length();
    }
}
