package dev.tandem.store.file;

import java.nio.ByteBuffer;

/**
 * The bytes of a tombstone file, {@code <id>.removed}: magic "TNDR", the epoch millis until which
 * saves of the id are refused, and a CRC32C of both. Always 16 bytes, so raising the time rewrites
 * the file in place instead of replacing it.
 *
 * <p>The per-file format that came before the session log: read only to fold an old directory into
 * the log ({@link Migration}); nothing writes it any more.
 */
final class LegacyTombstoneFormat {
    static final int LENGTH = 16;
    private static final int MAGIC = 0x544E4452;

    private LegacyTombstoneFormat() {}

        static long decode(byte[] file) throws CorruptFileException {
        if (file.length != LENGTH) {
            throw new CorruptFileException("a tombstone has " + LENGTH + " bytes, this one " + file.length);
        }
        ByteBuffer in = ByteBuffer.wrap(file);
        if (in.getInt(0) != MAGIC) {
            throw new CorruptFileException(String.format("not a Tandem tombstone (magic 0x%08x)", in.getInt(0)));
        }
        if (in.getInt(12) != LegacyBaseFormat.crc(file, 0, 12)) {
            throw new CorruptFileException("bad checksum");
        }
        return in.getLong(4);
    }
}
