package dev.tandem.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A hand-driven socket for what a real peer would never send. */
final class RawSocket {
    private RawSocket() {}

    static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Everything received until the other side closed; fails if it is still open after 10s of silence. */
    static byte[] readUntilClosed(Socket s) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        InputStream in = s.getInputStream();
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            fail("the connection is still open after 10s");
        } catch (SocketException e) {
            // reset: closed with our bytes unread, which is closed all the same
        }
        return received.toByteArray();
    }

    /** The size of the challenge a server sends first: all an unauthenticated peer may ever get. */
    static int challengeLength(String serverName) {
        return 4 + Frame.HEADER + Handshake.NONCE + 2 + serverName.length();
    }

    static byte[] frame(int length, int version, int type, long requestId, byte[] payload) {
        return ByteBuffer.allocate(4 + 2 + 8 + payload.length).putInt(length).put((byte) version).put((byte) type)
                .putLong(requestId).put(payload).array();
    }
}
