package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.StoredSession;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The bytes of one base file, {@code <id>.<version>}: a session's whole record (the saves after it
 * are delta files, {@link LegacyDeltaFormat}). Big-endian:
 *
 * <pre>
 *  0  int   magic "TNDS"
 *  4  int   format version (1)
 *  8  long  last access time              \ rewritten in place by touch(),
 * 16  int   CRC32C of bytes 8..15         / so they are outside the record checksum
 * 20  int   CRC32C of bytes 24..end of file
 * 24  int   file length
 * 28  long  record version (also in the file name)
 * 36  long  creation time
 * 44  int   max inactive interval, seconds
 * 48  24 B  session id, ASCII (also in the file name)
 * 72  int   attribute count
 * 76  per attribute: int name length, name UTF-8, int value length, value bytes
 * </pre>
 *
 * The first 76 bytes are the header: start-up reads only them. The whole record is checked
 * (checksum, lengths) when it is loaded.
 *
 * <p>The per-file format that came before the session log: read only to fold an old directory into
 * the log ({@link Migration}); nothing writes it any more.
 */
final class LegacyBaseFormat {
    static final int MAGIC = 0x544E4453;
    static final int FORMAT_VERSION = 1;
    static final int LAST_ACCESS_OFFSET = 8;
    static final int LAST_ACCESS_LENGTH = 12;
    static final int HEADER_LENGTH = 76;
    private static final int CHECKED_FROM = 24;

    /** The header fields start-up indexes. */
    record Header(long version, long creationTime, long lastAccessedTime, int maxInactiveInterval, int length) {}

    private LegacyBaseFormat() {}

            /**
     * Checks the header of file {@code <id>.<version>} of {@code fileSize} bytes, as far as it can be
     * checked without the rest of the record.
     */
    static Header readHeader(ByteBuffer header, long fileSize, String id, long version) throws CorruptFileException {
        if (fileSize == 0) {
            throw new CorruptFileException("empty");
        }
        if (fileSize < HEADER_LENGTH || header.remaining() < HEADER_LENGTH) {
            throw new CorruptFileException("truncated: " + fileSize + " bytes, shorter than the "
                    + HEADER_LENGTH + "-byte header");
        }
        int start = header.position();
        int magic = header.getInt(start);
        if (magic != MAGIC) {
            throw new CorruptFileException(String.format("not a Tandem session file (magic 0x%08x)", magic));
        }
        int format = header.getInt(start + 4);
        if (format != FORMAT_VERSION) {
            throw new CorruptFileException("unknown format version " + format + "; this Tandem reads version "
                    + FORMAT_VERSION + " (was it written by a newer Tandem?)");
        }
        long lastAccess = header.getLong(start + LAST_ACCESS_OFFSET);
        byte[] field = new byte[8];
        header.get(start + LAST_ACCESS_OFFSET, field);
        if (header.getInt(start + 16) != crc(field, 0, 8)) {
            throw new CorruptFileException("bad checksum of the last access time");
        }
        int length = header.getInt(start + 24);
        if (length != fileSize) {
            throw new CorruptFileException(fileSize < length
                    ? "truncated: " + fileSize + " of " + length + " bytes (a save interrupted by a crash leaves this)"
                    : fileSize + " bytes where the header says " + length);
        }
        long recordVersion = header.getLong(start + 28);
        if (recordVersion != version) {
            throw new CorruptFileException("the header says version " + recordVersion + ", the file name " + version);
        }
        byte[] storedId = new byte[SessionId.LENGTH];
        header.get(start + 48, storedId);
        if (!Arrays.equals(storedId, id.getBytes(US_ASCII))) {
            throw new CorruptFileException("the header names another session id than the file name");
        }
        int count = header.getInt(start + 72);
        if (count < 0 || count > (length - HEADER_LENGTH) / 8) {
            throw new CorruptFileException("impossible attribute count " + count + " in " + length + " bytes");
        }
        return new Header(version, header.getLong(start + 36), lastAccess, header.getInt(start + 44), length);
    }

    /** The whole record of file {@code <id>.<version>}, checked end to end. */
    static StoredSession decode(byte[] file, String id, long version) throws CorruptFileException {
        Header header = readHeader(ByteBuffer.wrap(file), file.length, id, version);
        ByteBuffer in = ByteBuffer.wrap(file);
        if (in.getInt(20) != crc(file, CHECKED_FROM, file.length - CHECKED_FROM)) {
            throw new CorruptFileException("bad checksum");
        }
        int count = in.getInt(72);
        in.position(HEADER_LENGTH);
        Map<String, byte[]> attributes = new HashMap<>(Math.max(4, count * 2));
        for (int i = 0; i < count; i++) {
            int nameLength = field(in, "name of attribute " + i);
            String name = new String(file, in.position(), nameLength, UTF_8);
            in.position(in.position() + nameLength);
            int valueLength = field(in, "value of attribute " + i);
            byte[] value = Arrays.copyOfRange(file, in.position(), in.position() + valueLength);
            in.position(in.position() + valueLength);
            if (attributes.put(name, value) != null) {
                throw new CorruptFileException("attribute '" + name + "' appears twice");
            }
        }
        if (in.hasRemaining()) {
            throw new CorruptFileException(in.remaining() + " bytes after the last attribute");
        }
        return new StoredSession(id, version, header.creationTime(), header.lastAccessedTime(),
                header.maxInactiveInterval(), attributes);
    }

    /** Reads a length prefix and checks that many bytes follow it. */
    static int field(ByteBuffer in, String what) throws CorruptFileException {
        if (in.remaining() < 4) {
            throw new CorruptFileException("the record ends before the length of the " + what);
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new CorruptFileException("the " + what + " claims " + length + " bytes, " + in.remaining() + " remain");
        }
        return length;
    }

    static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
