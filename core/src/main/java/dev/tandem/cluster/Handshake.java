package dev.tandem.cluster;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Mutual authentication of a new connection with the cluster secret, which never crosses the wire.
 * Three frames, request id 0:
 * <pre>
 * server → client  CHALLENGE  [server nonce: 32][server name: 2-byte length + UTF-8]
 * client → server  HELLO      [client nonce: 32][client name: 2-byte length + UTF-8][client proof: 32]
 * server → client  PROOF      [server proof: 32]
 * proof = HMAC-SHA256(secret, label, server nonce, client nonce, server name, client name)
 * label = "tandem-cluster/1 client" or "tandem-cluster/1 server"
 * </pre>
 * The server sends nothing but a random nonce before the client has proved itself; the labels keep
 * one side's proof from being replayed as the other's, and the fresh nonces keep an old
 * conversation from being replayed. The client must be a server of the topology; the server must
 * be the one the client meant to reach. This authenticates the connection when it opens; it does
 * not encrypt or sign the frames after it, so the cluster port belongs on a private network.
 */
final class Handshake {
    static final int NONCE = 32;
    static final int PROOF_LENGTH = 32;
    /** Handshake frames are tiny; a larger length from an unauthenticated peer is refused before allocating. */
    static final int MAX_LENGTH = 1024;

    private static final byte[] CLIENT_LABEL = "tandem-cluster/1 client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_LABEL = "tandem-cluster/1 server".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {}

    /**
     * The server's side.
     *
     * @return the authenticated peer
     * @throws IOException if the client breaks the protocol, fails to prove itself, or is not in the topology
     */
    static ClusterMember accept(DataInputStream in, OutputStream out, ClusterConfig config) throws IOException {
        byte[] serverNonce = nonce();
        byte[] serverName = name(config.self().name());
        new Frame(Frame.CHALLENGE, 0, ByteBuffer.allocate(NONCE + serverName.length)
                .put(serverNonce).put(serverName).array()).write(out);

        ByteBuffer hello = ByteBuffer.wrap(expect(in, Frame.HELLO).payload());
        byte[] clientNonce = bytes(hello, NONCE);
        byte[] clientName = nameField(hello);
        byte[] clientProof = bytes(hello, PROOF_LENGTH);
        if (hello.hasRemaining()) {
            throw new ProtocolException("HELLO has " + hello.remaining() + " bytes too many");
        }
        String claimed = new String(clientName, 2, clientName.length - 2, StandardCharsets.UTF_8);
        ClusterMember peer = config.topology().byName(claimed).orElseThrow(() ->
                new ProtocolException("peer claims to be '" + printable(claimed) + "', which is not in the cluster list"));
        byte[] expected = config.secret().sign(CLIENT_LABEL, serverNonce, clientNonce, serverName, clientName);
        if (!MessageDigest.isEqual(expected, clientProof)) {
            throw new ProtocolException("peer claiming to be '" + printable(claimed) + "' failed to prove the cluster-secret "
                    + "(a different or missing secret)");
        }
        new Frame(Frame.PROOF, 0, config.secret().sign(SERVER_LABEL, serverNonce, clientNonce, serverName, clientName))
                .write(out);
        return peer;
    }

    /**
     * The client's side.
     *
     * @throws IOException if the server breaks the protocol, is not {@code expected}, or fails to prove itself
     */
    static void connect(DataInputStream in, OutputStream out, ClusterConfig config, ClusterMember expected)
            throws IOException {
        ByteBuffer challenge = ByteBuffer.wrap(expect(in, Frame.CHALLENGE).payload());
        byte[] serverNonce = bytes(challenge, NONCE);
        byte[] serverName = nameField(challenge);
        if (challenge.hasRemaining()) {
            throw new ProtocolException("CHALLENGE has " + challenge.remaining() + " bytes too many");
        }
        if (!MessageDigest.isEqual(serverName, name(expected.name()))) {
            throw new ProtocolException("the server at " + expected.address() + " is '"
                    + printable(new String(serverName, 2, serverName.length - 2, StandardCharsets.UTF_8)) + "', not '"
                    + expected.name() + "'; check the cluster list");
        }
        byte[] clientNonce = nonce();
        byte[] clientName = name(config.self().name());
        byte[] proof = config.secret().sign(CLIENT_LABEL, serverNonce, clientNonce, serverName, clientName);
        new Frame(Frame.HELLO, 0, ByteBuffer.allocate(NONCE + clientName.length + PROOF_LENGTH)
                .put(clientNonce).put(clientName).put(proof).array()).write(out);

        byte[] serverProof = expect(in, Frame.PROOF).payload();
        byte[] wanted = config.secret().sign(SERVER_LABEL, serverNonce, clientNonce, serverName, clientName);
        if (!MessageDigest.isEqual(wanted, serverProof)) {
            throw new ProtocolException("server '" + expected.name() + "' failed to prove the cluster-secret "
                    + "(a different secret)");
        }
    }

    private static Frame expect(DataInputStream in, int type) throws IOException {
        Frame frame = Frame.read(in, MAX_LENGTH);
        if (frame == null) {
            throw new ClosedDuringHandshake();
        }
        if (frame.type() != type || frame.requestId() != 0) {
            throw new ProtocolException("message type " + frame.type() + " during the handshake, expected "
                    + (type == Frame.HELLO ? "HELLO" : type == Frame.CHALLENGE ? "CHALLENGE" : "PROOF") + " (" + type + ")");
        }
        return frame;
    }

    private static byte[] nonce() {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /** A name as it is sent and signed: 2-byte length, then UTF-8, so no two names sign alike. */
    private static byte[] name(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + utf8.length).putShort((short) utf8.length).put(utf8).array();
    }

    private static byte[] nameField(ByteBuffer in) throws ProtocolException {
        if (in.remaining() < 2) {
            throw new ProtocolException("handshake frame cut short");
        }
        int length = Short.toUnsignedInt(in.getShort(in.position()));
        return bytes(in, 2 + length);
    }

    private static byte[] bytes(ByteBuffer in, int n) throws ProtocolException {
        if (in.remaining() < n) {
            throw new ProtocolException("handshake frame cut short");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    /**
     * A name from the wire as it may go into a log line: at most 64 characters, anything but printable
     * ASCII escaped, so an unauthenticated client cannot forge log lines.
     */
    static String printable(String name) {
        StringBuilder s = new StringBuilder();
        int i = 0;
        for (; i < name.length() && s.length() < 64; i++) {
            char c = name.charAt(i);
            s.append(c >= 0x20 && c < 0x7f && c != '\\' ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return i < name.length() ? s + "..." : s.toString();
    }

    /** The other side closed the connection before the handshake ended: it may be busy, not hostile. */
    static final class ClosedDuringHandshake extends java.io.EOFException {
        ClosedDuringHandshake() {
            super("connection closed during the handshake");
        }
    }
}
