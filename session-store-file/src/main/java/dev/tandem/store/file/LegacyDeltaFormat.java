package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.StoredSession;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The bytes of one delta file, {@code <id>.<base version>.<version>}: what one save changed on top
 * of the record before it. Big-endian:
 *
 * <pre>
 *   0  int   magic "TNDD"
 *   4  int   format version (1)
 *   8  long  last access time              \ rewritten in place by touch(),
 *  16  int   CRC32C of bytes 8..15         / as in a base file
 *  20  int   CRC32C of bytes 24..end of file
 *  24  int   file length
 *  28  long  record version (also in the file name)
 *  36  long  base version (also in the file name)
 *  44  long  creation time
 *  52  int   max inactive interval, seconds
 *  56  24 B  session id, ASCII (also in the file name)
 *  80  int   length of the base file
 *  84  long  bytes of this base's delta files up to and including this one
 *  92  int   changed attribute count
 *  96  int   removed attribute count
 * 100  per changed attribute: int name length, name UTF-8, int value length, value bytes;
 *      then per removed name: int name length, name UTF-8
 * </pre>
 *
 * The header carries everything the index needs (times, versions, the chain's size), so start-up
 * reads only the newest delta of a session and not its base.
 *
 * <p>The per-file format that came before the session log: read only to fold an old directory into
 * the log ({@link Migration}); nothing writes it any more.
 */
final class LegacyDeltaFormat {
    static final int MAGIC = 0x544E4444;
    static final int FORMAT_VERSION = 1;
    static final int HEADER_LENGTH = 100;
    private static final int CHECKED_FROM = 24;

    /**
     * One decoded delta. {@code chainBytes} counts this file and the deltas before it on the same
     * base; {@code lastAccessedTime} is as touch() last left it.
     */
    record Delta(long version, long baseVersion, long creationTime, long lastAccessedTime, int maxInactiveInterval,
                 int baseLength, long chainBytes, Map<String, byte[]> changed, Set<String> removed) {

        /** Turns the attributes of the version before this one into this version's. */
        void applyTo(Map<String, byte[]> attributes) {
            attributes.keySet().removeAll(removed);
            attributes.putAll(changed);
        }

        LegacyIndexEntry indexEntry() {
            return new LegacyIndexEntry(version, creationTime, lastAccessedTime, maxInactiveInterval, baseVersion,
                    baseLength, chainBytes, 0);
        }
    }

    private LegacyDeltaFormat() {}

        /** The whole delta file {@code <id>.<baseVersion>.<version>}, checked end to end. */
    static Delta decode(byte[] file, String id, long baseVersion, long version) throws CorruptFileException {
        ByteBuffer in = ByteBuffer.wrap(file);
        checkHeader(in, file.length, id, baseVersion, version);
        if (in.getInt(20) != LegacyBaseFormat.crc(file, CHECKED_FROM, file.length - CHECKED_FROM)) {
            throw new CorruptFileException("bad checksum");
        }
        int changedCount = in.getInt(92);
        int removedCount = in.getInt(96);
        in.position(HEADER_LENGTH);
        Map<String, byte[]> changed = new HashMap<>(Math.max(4, changedCount * 2));
        for (int i = 0; i < changedCount; i++) {
            String name = name(in, file, "name of changed attribute " + i);
            int valueLength = LegacyBaseFormat.field(in, "value of changed attribute " + i);
            byte[] value = Arrays.copyOfRange(file, in.position(), in.position() + valueLength);
            in.position(in.position() + valueLength);
            if (changed.put(name, value) != null) {
                throw new CorruptFileException("attribute '" + name + "' is changed twice");
            }
        }
        Set<String> removed = new HashSet<>(Math.max(4, removedCount * 2));
        for (int i = 0; i < removedCount; i++) {
            String name = name(in, file, "removed name " + i);
            if (changed.containsKey(name) || !removed.add(name)) {
                throw new CorruptFileException("attribute '" + name + "' is removed twice or changed and removed");
            }
        }
        if (in.hasRemaining()) {
            throw new CorruptFileException(in.remaining() + " bytes after the last attribute");
        }
        long lastAccess = in.getLong(LegacyBaseFormat.LAST_ACCESS_OFFSET);
        return new Delta(version, baseVersion, in.getLong(44), lastAccess, in.getInt(52), in.getInt(80),
                in.getLong(84), changed, removed);
    }

    private static void checkHeader(ByteBuffer in, int fileSize, String id, long baseVersion, long version)
            throws CorruptFileException {
        if (fileSize == 0) {
            throw new CorruptFileException("empty");
        }
        if (fileSize < HEADER_LENGTH) {
            throw new CorruptFileException("truncated: " + fileSize + " bytes, shorter than the "
                    + HEADER_LENGTH + "-byte header");
        }
        int magic = in.getInt(0);
        if (magic != MAGIC) {
            throw new CorruptFileException(String.format("not a Tandem delta file (magic 0x%08x)", magic));
        }
        int format = in.getInt(4);
        if (format != FORMAT_VERSION) {
            throw new CorruptFileException("unknown delta format version " + format + "; this Tandem reads version "
                    + FORMAT_VERSION + " (was it written by a newer Tandem?)");
        }
        byte[] field = new byte[8];
        in.get(LegacyBaseFormat.LAST_ACCESS_OFFSET, field);
        if (in.getInt(16) != LegacyBaseFormat.crc(field, 0, 8)) {
            throw new CorruptFileException("bad checksum of the last access time");
        }
        int length = in.getInt(24);
        if (length != fileSize) {
            throw new CorruptFileException(fileSize < length
                    ? "truncated: " + fileSize + " of " + length + " bytes (a save interrupted by a crash leaves this)"
                    : fileSize + " bytes where the header says " + length);
        }
        if (in.getLong(28) != version || in.getLong(36) != baseVersion) {
            throw new CorruptFileException("the header says versions " + in.getLong(36) + "." + in.getLong(28)
                    + ", the file name " + baseVersion + "." + version);
        }
        byte[] storedId = new byte[SessionId.LENGTH];
        in.get(56, storedId);
        if (!Arrays.equals(storedId, id.getBytes(US_ASCII))) {
            throw new CorruptFileException("the header names another session id than the file name");
        }
        int changed = in.getInt(92);
        int removed = in.getInt(96);
        if (changed < 0 || removed < 0 || changed > (length - HEADER_LENGTH) / 8
                || removed > (length - HEADER_LENGTH) / 4) {
            throw new CorruptFileException("impossible attribute counts " + changed + " and " + removed + " in "
                    + length + " bytes");
        }
    }

    private static String name(ByteBuffer in, byte[] file, String what) throws CorruptFileException {
        int length = LegacyBaseFormat.field(in, what);
        String name = new String(file, in.position(), length, UTF_8);
        in.position(in.position() + length);
        return name;
    }
}
