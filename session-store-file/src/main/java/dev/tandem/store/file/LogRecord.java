package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.StoredSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The bytes of one record of the session log. Big-endian, framed so that a reader can check it
 * alone and find the next one after damage (resynchronise on the magic):
 *
 * <pre>
 *  0  int   magic "TNDL"
 *  4  int   length of the whole record, checksum included
 *  8  byte  type: 1 base, 2 delta, 3 touch, 4 tombstone; the cluster store's disk copy
 *             ({@link CopyLog}) adds 5 copy, 6 copy delta, 7 notices
 *  9  24 B  session id, ASCII (notices: zeros)
 * 33  long  version (base, delta, touch: the record's version; tombstone: refused until, epoch ms;
 *             notices: 1 keep, 2 drop, 3 replace)
 * base:      41 long creation time, 49 long last access, 57 int max inactive interval (s),
 *            61 int attribute count, 65 per attribute: int name length, name UTF-8, int value length, value
 * delta:     41 long creation time, 49 long last access, 57 int max inactive interval (s),
 *            61 long base version, 69 long position of the previous record of the chain,
 *            77 int changed count, 81 int removed count,
 *            85 per changed attribute as in a base, then per removed name: int length, name UTF-8
 * touch:     41 long last access
 * tombstone: nothing more
 * copy, copy delta: as a base, a delta, with the version the cluster gave it (not one the log
 *            numbered), then before the checksum: long the highest version known acknowledged
 * notices:   41 int peer name length, peer name UTF-8, byte 1 if the peer must check every
 *            session, int id count, per id 24 B ASCII
 * end-4 int CRC32C of every byte before it
 * </pre>
 *
 * A record is read only once {@link #check} passed; the accessors then read fields at absolute
 * offsets from the record's start {@code at} in a buffer.
 */
final class LogRecord {
    static final int MAGIC = 0x544E444C;
    static final byte BASE = 1;
    static final byte DELTA = 2;
    static final byte TOUCH = 3;
    static final byte TOMBSTONE = 4;
    static final byte COPY = 5;
    static final byte COPY_DELTA = 6;
    static final byte NOTICES = 7;
    /** What a notices record does to the peer's notices: adds to them, takes from them, or is all of them. */
    static final long KEEP = 1;
    static final long DROP = 2;
    static final long REPLACE = 3;
    /** The bytes after a copy's attributes: the version known acknowledged. */
    private static final int COPY_TRAILER = 8;
    private static final int ID = 9;
    private static final int VERSION = 33;
    private static final int HEADER = 41;
    static final int MIN_LENGTH = HEADER + 4;
    /** Bytes a reader needs to learn a record's length and type. */
    static final int FRAME = 9;

    private LogRecord() {}

    // ---- writing

    static byte[] base(StoredSession session) {
        return base(BASE, session, 0);
    }

    /** A copy's whole record at the cluster version it carries, of which versions up to {@code confirmed} are acknowledged. */
    static byte[] copy(StoredSession session, long confirmed) {
        return base(COPY, session, confirmed);
    }

    private static byte[] base(byte type, StoredSession session, long confirmed) {
        Encoded attributes = Encoded.of(session.attributes(), Set.of());
        ByteBuffer out = start(type, session.id(), session.version(), 65 + attributes.length + trailer(type));
        out.putLong(session.creationTime()).putLong(session.lastAccessedTime()).putInt(session.maxInactiveInterval())
                .putInt(attributes.names.length);
        attributes.write(out);
        return finish(type == COPY ? out.putLong(confirmed) : out);
    }

    /** What {@code next} changed on top of the record at {@code previous}, on base {@code baseVersion}. */
    static byte[] delta(StoredSession next, long baseVersion, long previous, Map<String, byte[]> changed,
                        Set<String> removed) {
        return delta(DELTA, next, baseVersion, previous, changed, removed, 0);
    }

    /** A copy's delta: as {@link #delta}, with the acknowledged version as in {@link #copy}. */
    static byte[] copyDelta(StoredSession next, long baseVersion, long previous, Map<String, byte[]> changed,
                            Set<String> removed, long confirmed) {
        return delta(COPY_DELTA, next, baseVersion, previous, changed, removed, confirmed);
    }

    private static byte[] delta(byte type, StoredSession next, long baseVersion, long previous,
                                Map<String, byte[]> changed, Set<String> removed, long confirmed) {
        Encoded attributes = Encoded.of(changed, removed);
        ByteBuffer out = start(type, next.id(), next.version(), 85 + attributes.length + trailer(type));
        out.putLong(next.creationTime()).putLong(next.lastAccessedTime()).putInt(next.maxInactiveInterval())
                .putLong(baseVersion).putLong(previous).putInt(attributes.names.length)
                .putInt(attributes.removed.length);
        attributes.write(out);
        return finish(type == COPY_DELTA ? out.putLong(confirmed) : out);
    }

    /** What one peer has not been told, or what it now has ({@code op}: {@link #KEEP}, {@link #DROP}, {@link #REPLACE}). */
    static byte[] notices(String peer, long op, boolean all, java.util.Collection<String> ids) {
        byte[] name = peer.getBytes(UTF_8);
        int body = Math.addExact(HEADER + 4 + name.length + 1 + 4, Math.multiplyExact(ids.size(), SessionId.LENGTH));
        ByteBuffer out = ByteBuffer.allocate(Math.addExact(body, 4)).putInt(MAGIC).putInt(body + 4).put(NOTICES)
                .put(new byte[SessionId.LENGTH]).putLong(op).putInt(name.length).put(name).put((byte) (all ? 1 : 0))
                .putInt(ids.size());
        for (String id : ids) {
            out.put(SessionId.requireWellFormed(id).getBytes(US_ASCII));
        }
        return finish(out);
    }

    static byte[] touch(String id, long version, long lastAccessedTime) {
        return finish(start(TOUCH, id, version, HEADER + 8).putLong(lastAccessedTime));
    }

    static byte[] tombstone(String id, long until) {
        return finish(start(TOMBSTONE, id, until, HEADER));
    }

    private static ByteBuffer start(byte type, String id, long version, int body) {
        int length = Math.addExact(body, 4);
        return ByteBuffer.allocate(length).putInt(MAGIC).putInt(length).put(type).put(id.getBytes(US_ASCII))
                .putLong(version);
    }

    private static byte[] finish(ByteBuffer out) {
        byte[] bytes = out.array();
        out.putInt(crc(bytes, 0, bytes.length - 4));
        return bytes;
    }

    /** Attribute names and values as bytes, and how many bytes they take in a record. */
    private record Encoded(byte[][] names, byte[][] values, byte[][] removed, int length) {
        static Encoded of(Map<String, byte[]> attributes, Set<String> removedNames) {
            int length = 0;
            byte[][] names = new byte[attributes.size()][];
            byte[][] values = new byte[names.length][];
            int i = 0;
            for (Map.Entry<String, byte[]> attribute : attributes.entrySet()) {
                names[i] = attribute.getKey().getBytes(UTF_8);
                values[i] = attribute.getValue();
                length = Math.addExact(length, 8 + names[i].length + values[i].length);
                i++;
            }
            byte[][] removed = new byte[removedNames.size()][];
            i = 0;
            for (String name : removedNames) {
                removed[i] = name.getBytes(UTF_8);
                length = Math.addExact(length, 4 + removed[i].length);
                i++;
            }
            return new Encoded(names, values, removed, length);
        }

        void write(ByteBuffer out) {
            for (int i = 0; i < names.length; i++) {
                out.putInt(names[i].length).put(names[i]).putInt(values[i].length).put(values[i]);
            }
            for (byte[] name : removed) {
                out.putInt(name.length).put(name);
            }
        }
    }

    // ---- reading

    /**
     * What start-up needs of a record, without its attributes: from the record itself, or from a
     * segment's hint file ({@link Hints}). Fields a type does not have are 0.
     */
    record Header(byte type, String id, long version, long position, int length, long creationTime,
                  long lastAccessedTime, int maxInactiveInterval, long baseVersion, long previous) {

        /** The header of the checked record at {@code at} in {@code in}, which lies at {@code position}. */
        static Header of(long position, ByteBuffer in, int at) {
            byte type = LogRecord.type(in, at);
            boolean chain = isBase(type) || isDelta(type);
            return new Header(type, LogRecord.id(in, at), LogRecord.version(in, at), position, LogRecord.length(in, at),
                    chain ? LogRecord.creationTime(in, at) : 0,
                    type == TOMBSTONE ? 0 : LogRecord.lastAccessedTime(in, at),
                    chain ? LogRecord.maxInactiveInterval(in, at) : 0,
                    isDelta(type) ? LogRecord.baseVersion(in, at) : 0,
                    isDelta(type) ? LogRecord.previous(in, at) : 0);
        }
    }

    /**
     * Why the bytes at {@code at} (of which {@code available} can be read) are not a whole record,
     * or {@code null} if they are one: magic, a length that fits, a known type, a well-formed id
     * and the checksum all check out.
     */
    static String check(ByteBuffer in, int at, long available) {
        if (available < MIN_LENGTH) {
            return "only " + available + " bytes, shorter than any record";
        }
        if (in.getInt(at) != MAGIC) {
            return String.format("no record magic (0x%08x)", in.getInt(at));
        }
        int length = in.getInt(at + 4);
        if (length < MIN_LENGTH || length > available) {
            return "a record length of " + length + " with " + available + " bytes left";
        }
        byte type = in.get(at + 8);
        if (type < BASE || type > NOTICES) {
            return "unknown record type " + type;
        }
        int stored = in.getInt(at + length - 4);
        CRC32C crc = new CRC32C();
        crc.update(in.duplicate().limit(at + length - 4).position(at));
        if (stored != (int) crc.getValue()) {
            return "bad checksum";
        }
        if (type == NOTICES) {
            return noticesProblem(in, at);
        }
        if (!SessionId.isWellFormed(id(in, at))) {
            return "not a well-formed session id";
        }
        if (length < HEADER + 4 + trailer(type)) {
            return "a record of type " + type + " of only " + length + " bytes";
        }
        return null;
    }

    /** Why a notices record whose checksum passed does not parse, or {@code null}. */
    private static String noticesProblem(ByteBuffer in, int at) {
        try {
            noticeIds(in, at);
            return null;
        } catch (CorruptFileException e) {
            return e.getMessage();
        }
    }

    /** A base of either kind: a session's whole record. */
    static boolean isBase(byte type) {
        return type == BASE || type == COPY;
    }

    /** A delta of either kind: what one save changed. */
    static boolean isDelta(byte type) {
        return type == DELTA || type == COPY_DELTA;
    }

    private static int trailer(byte type) {
        return type == COPY || type == COPY_DELTA ? COPY_TRAILER : 0;
    }

    static int length(ByteBuffer in, int at) {
        return in.getInt(at + 4);
    }

    static byte type(ByteBuffer in, int at) {
        return in.get(at + 8);
    }

    static String id(ByteBuffer in, int at) {
        byte[] id = new byte[SessionId.LENGTH];
        in.get(at + ID, id);
        return new String(id, US_ASCII);
    }

    /** The version of a base, delta or touch; a tombstone's time until which saves are refused. */
    static long version(ByteBuffer in, int at) {
        return in.getLong(at + VERSION);
    }

    static long creationTime(ByteBuffer in, int at) {
        return in.getLong(at + 41);
    }

    /** The last access time of a base or delta; for a touch, the time it sets. */
    static long lastAccessedTime(ByteBuffer in, int at) {
        return in.getLong(at + (type(in, at) == TOUCH ? 41 : 49));
    }

    static int maxInactiveInterval(ByteBuffer in, int at) {
        return in.getInt(at + 57);
    }

    static long baseVersion(ByteBuffer in, int at) {
        return in.getLong(at + 61);
    }

    static long previous(ByteBuffer in, int at) {
        return in.getLong(at + 69);
    }

    /** The highest version of a copy or copy delta known acknowledged; of any other record, its version. */
    static long confirmed(ByteBuffer in, int at) {
        byte type = type(in, at);
        return trailer(type) > 0 ? in.getLong(at + length(in, at) - 4 - COPY_TRAILER) : version(in, at);
    }

    /** A checked notices record's peer name. */
    static String peer(ByteBuffer in, int at) throws CorruptFileException {
        return string(body(in, at, HEADER), "peer name");
    }

    /** Whether a checked notices record tells its peer to check every session. */
    static boolean all(ByteBuffer in, int at) throws CorruptFileException {
        ByteBuffer body = body(in, at, HEADER);
        string(body, "peer name");
        return body.get() == 1;
    }

    /** The session ids of a checked notices record. */
    static List<String> noticeIds(ByteBuffer in, int at) throws CorruptFileException {
        ByteBuffer body = body(in, at, HEADER);
        string(body, "peer name");
        if (body.remaining() < 5) {
            throw new CorruptFileException("the notices record ends before its id count");
        }
        body.get();
        int count = body.getInt();
        if (count < 0 || (long) count * SessionId.LENGTH != body.remaining()) {
            throw new CorruptFileException("a notices record of " + count + " ids in " + body.remaining() + " bytes");
        }
        List<String> ids = new ArrayList<>(count);
        byte[] id = new byte[SessionId.LENGTH];
        for (int i = 0; i < count; i++) {
            body.get(id);
            String s = new String(id, US_ASCII);
            if (!SessionId.isWellFormed(s)) {
                throw new CorruptFileException("a notices record holds a malformed session id");
            }
            ids.add(s);
        }
        return ids;
    }

    /** Reads the attributes of a checked base record into {@code attributes}. */
    static void readBase(ByteBuffer in, int at, Map<String, byte[]> attributes) throws CorruptFileException {
        ByteBuffer body = body(in, at, 65);
        int count = in.getInt(at + 61);
        for (int i = 0; i < count; i++) {
            attributes.put(string(body, "attribute name"), bytes(body, "attribute value"));
        }
        expectEnd(body);
    }

    /** Applies the changes of a checked delta record to {@code attributes}. */
    static void applyDelta(ByteBuffer in, int at, Map<String, byte[]> attributes) throws CorruptFileException {
        ByteBuffer body = body(in, at, 85);
        int changed = in.getInt(at + 77);
        int removed = in.getInt(at + 81);
        Map<String, byte[]> values = new HashMap<>(Math.max(4, changed * 2));
        for (int i = 0; i < changed; i++) {
            values.put(string(body, "changed name"), bytes(body, "changed value"));
        }
        Set<String> names = new HashSet<>(Math.max(4, removed * 2));
        for (int i = 0; i < removed; i++) {
            names.add(string(body, "removed name"));
        }
        expectEnd(body);
        attributes.keySet().removeAll(names);
        attributes.putAll(values);
    }

    private static ByteBuffer body(ByteBuffer in, int at, int from) {
        return in.duplicate().limit(at + length(in, at) - 4 - trailer(type(in, at))).position(at + from);
    }

    private static byte[] bytes(ByteBuffer body, String what) throws CorruptFileException {
        if (body.remaining() < 4) {
            throw new CorruptFileException("the record ends before the length of a " + what);
        }
        int length = body.getInt();
        if (length < 0 || length > body.remaining()) {
            throw new CorruptFileException("a " + what + " claims " + length + " bytes, " + body.remaining() + " remain");
        }
        byte[] bytes = new byte[length];
        body.get(bytes);
        return bytes;
    }

    private static String string(ByteBuffer body, String what) throws CorruptFileException {
        return new String(bytes(body, what), UTF_8);
    }

    private static void expectEnd(ByteBuffer body) throws CorruptFileException {
        if (body.hasRemaining()) {
            throw new CorruptFileException(body.remaining() + " bytes after the last attribute");
        }
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
