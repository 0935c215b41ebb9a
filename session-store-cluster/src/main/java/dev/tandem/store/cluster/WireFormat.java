package dev.tandem.store.cluster;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoredSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The bytes of the cluster store's messages: big-endian fields through {@link DataOutputStream}.
 * Peers are authenticated by the transport, but every id read is still checked before it reaches
 * the disk copy, and every count is checked against the bytes left, so a bad frame fails its own
 * request and nothing else.
 */
final class WireFormat {

    private WireFormat() {}

    /** A delta with the version it was based on and the version it produced on the owner. */
    record Replica(SessionChange change, long base, long version) {}

    static byte[] id(String id) {
        return write(out -> out.writeUTF(id));
    }

    static String readId(byte[] payload) {
        return read(payload, in -> SessionId.requireWellFormed(in.readUTF()));
    }

    static byte[] ids(java.util.Collection<String> ids) {
        return write(out -> {
            out.writeInt(ids.size());
            for (String id : ids) {
                out.writeUTF(id);
            }
        });
    }

    static java.util.List<String> readIds(byte[] payload) {
        return read(payload, in -> {
            int n = count(in, 2);
            java.util.List<String> ids = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                ids.add(SessionId.requireWellFormed(in.readUTF()));
            }
            return ids;
        });
    }

    /** An id and a number: a touch's last access time, a version check's known version. */
    record IdAndNumber(String id, long number) {}

    static byte[] idAndNumber(String id, long number) {
        return write(out -> {
            out.writeUTF(id);
            out.writeLong(number);
        });
    }

    static IdAndNumber readIdAndNumber(byte[] payload) {
        return read(payload, in -> new IdAndNumber(SessionId.requireWellFormed(in.readUTF()), in.readLong()));
    }

    static byte[] change(SessionChange change) {
        return write(out -> writeChange(out, change));
    }

    static SessionChange readChange(byte[] payload) {
        return read(payload, WireFormat::readChange);
    }

    static byte[] replica(SessionChange change, long base, long version) {
        return write(out -> {
            writeChange(out, change);
            out.writeLong(base);
            out.writeLong(version);
        });
    }

    static Replica readReplica(byte[] payload) {
        return read(payload, in -> new Replica(readChange(in), in.readLong(), in.readLong()));
    }

    static byte[] record(StoredSession s) {
        return write(out -> {
            out.writeUTF(s.id());
            out.writeLong(s.version());
            out.writeLong(s.creationTime());
            out.writeLong(s.lastAccessedTime());
            out.writeInt(s.maxInactiveInterval());
            writeAttributes(out, s.attributes());
        });
    }

    static StoredSession readRecord(byte[] payload) {
        return read(payload, in -> new StoredSession(SessionId.requireWellFormed(in.readUTF()), in.readLong(),
                in.readLong(), in.readLong(), in.readInt(), readAttributes(in)));
    }

    /** An answer: the status, then the body (may be empty). */
    static byte[] reply(Reply status, byte[] body) {
        byte[] out = new byte[1 + body.length];
        out[0] = (byte) status.ordinal();
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    static byte[] reply(Reply status) {
        return new byte[] {(byte) status.ordinal()};
    }

    static byte[] reply(Reply status, long number) {
        return reply(status, write(out -> out.writeLong(number)));
    }

    static Reply status(byte[] reply) {
        if (reply.length == 0) {
            throw new IllegalArgumentException("an empty reply from a peer");
        }
        return Reply.of(reply[0]);
    }

    static byte[] body(byte[] reply) {
        return java.util.Arrays.copyOfRange(reply, 1, reply.length);
    }

    static long number(byte[] reply) {
        return read(body(reply), DataInputStream::readLong);
    }

    private static void writeChange(DataOutputStream out, SessionChange c) throws IOException {
        out.writeUTF(c.id());
        out.writeLong(c.creationTime());
        out.writeLong(c.lastAccessedTime());
        out.writeInt(c.maxInactiveInterval());
        writeAttributes(out, c.changed());
        out.writeInt(c.removed().size());
        for (String name : c.removed()) {
            out.writeUTF(name);
        }
    }

    private static SessionChange readChange(DataInputStream in) throws IOException {
        String id = SessionId.requireWellFormed(in.readUTF());
        long creation = in.readLong();
        long access = in.readLong();
        int interval = in.readInt();
        Map<String, byte[]> changed = readAttributes(in);
        int removedCount = count(in, 2);
        Set<String> removed = new HashSet<>();
        for (int i = 0; i < removedCount; i++) {
            removed.add(in.readUTF());
        }
        return new SessionChange(id, creation, access, interval, changed, removed);
    }

    // Attribute names go as length-prefixed UTF-8 bytes, not writeUTF: a name has no 64 KiB limit.
    private static void writeAttributes(DataOutputStream out, Map<String, byte[]> attributes) throws IOException {
        out.writeInt(attributes.size());
        for (Map.Entry<String, byte[]> a : attributes.entrySet()) {
            byte[] name = a.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(name.length);
            out.write(name);
            out.writeInt(a.getValue().length);
            out.write(a.getValue());
        }
    }

    private static Map<String, byte[]> readAttributes(DataInputStream in) throws IOException {
        int n = count(in, 8);
        Map<String, byte[]> attributes = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String name = new String(in.readNBytes(count(in, 1)), java.nio.charset.StandardCharsets.UTF_8);
            attributes.put(name, in.readNBytes(count(in, 1)));
        }
        return attributes;
    }

    /** A count or length that the rest of the payload can hold at {@code minBytes} each. */
    private static int count(DataInputStream in, int minBytes) throws IOException {
        int n = in.readInt();
        if (n < 0 || (long) n * minBytes > in.available()) {
            throw new IllegalArgumentException("a malformed cluster message: count " + n + " with "
                    + in.available() + " bytes left");
        }
        return n;
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Parser<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] payload, Parser<T> parser) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            return parser.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("a malformed cluster message: " + e, e);
        }
    }
}
