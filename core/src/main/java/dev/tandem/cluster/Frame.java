package dev.tandem.cluster;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One message on the cluster port, and its codec:
 * <pre>
 * [length: 4 bytes, big-endian, counts what follows: 10 + payload]
 * [version: 1 byte = 1][type: 1 byte][request id: 8 bytes, big-endian][payload]
 * </pre>
 * Types 1..239 are requests of the store's own protocol ({@code 2} load, {@code 3} store, ...),
 * whose payload starts with the web-app name ({@code [2-byte length][UTF-8]}); types 240.. are the
 * transport's own. Anything else is malformed.
 */
record Frame(int type, long requestId, byte[] payload) {
    static final int VERSION = 1;
    /** Version, type and request id: the part of the length that is not payload. */
    static final int HEADER = 10;

    static final int MIN_REQUEST_TYPE = 1;
    static final int MAX_REQUEST_TYPE = 0xEF;
    static final int CHALLENGE = 0xF0;
    static final int HELLO = 0xF1;
    static final int PROOF = 0xF2;
    static final int RESPONSE = 0xF3;
    static final int ERROR = 0xF4;

    static boolean isRequest(int type) {
        return type >= MIN_REQUEST_TYPE && type <= MAX_REQUEST_TYPE;
    }

    /**
     * Reads one frame.
     *
     * @param maxLength the largest length field accepted; a larger one is refused before anything is allocated
     * @return null if the peer closed the connection cleanly between frames
     * @throws ProtocolException if the frame is malformed or cut short
     */
    static Frame read(DataInputStream in, int maxLength) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        try {
            int length = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedShort());
            if (length < HEADER || length > maxLength) {
                throw new ProtocolException("frame length " + Integer.toUnsignedString(length) + " outside " + HEADER
                        + ".." + maxLength);
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new ProtocolException("protocol version " + version + ", this node speaks " + VERSION);
            }
            int type = in.readUnsignedByte();
            if (!isRequest(type) && (type < CHALLENGE || type > ERROR)) {
                throw new ProtocolException("unknown message type " + type);
            }
            long requestId = in.readLong();
            byte[] payload = new byte[length - HEADER];
            in.readFully(payload);
            return new Frame(type, requestId, payload);
        } catch (EOFException e) {
            throw new ProtocolException("connection closed in the middle of a frame");
        }
    }

    /** The whole frame, length first; the caller writes it in one call so frames never interleave. */
    byte[] encode() {
        return ByteBuffer.allocate(4 + HEADER + payload.length)
                .putInt(HEADER + payload.length)
                .put((byte) VERSION)
                .put((byte) type)
                .putLong(requestId)
                .put(payload)
                .array();
    }

    void write(OutputStream out) throws IOException {
        out.write(encode());
        out.flush();
    }

    static Frame request(int type, long requestId, String webApp, byte[] body) {
        byte[] name = webApp.getBytes(StandardCharsets.UTF_8);
        return new Frame(type, requestId, ByteBuffer.allocate(2 + name.length + body.length)
                .putShort((short) name.length).put(name).put(body).array());
    }

    /** The web-app a request is for. */
    String webApp() throws ProtocolException {
        return new String(payload, 2, webAppLength(), StandardCharsets.UTF_8);
    }

    /** The request's body, after the web-app name. */
    byte[] body() throws ProtocolException {
        int skip = 2 + webAppLength();
        byte[] body = new byte[payload.length - skip];
        System.arraycopy(payload, skip, body, 0, body.length);
        return body;
    }

    private int webAppLength() throws ProtocolException {
        int length = payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        if (length < 0 || 2 + length > payload.length) {
            throw new ProtocolException("request of type " + type + " without a web-app name");
        }
        return length;
    }

    static Frame error(long requestId, RemoteRequestException.Reason reason, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        return new Frame(ERROR, requestId, ByteBuffer.allocate(1 + text.length)
                .put((byte) reason.code).put(text).array());
    }

    RemoteRequestException.Reason errorReason() {
        return RemoteRequestException.Reason.of(payload.length == 0 ? -1 : payload[0] & 0xFF);
    }

    String errorMessage() {
        return payload.length == 0 ? "" : new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8);
    }
}
