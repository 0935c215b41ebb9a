package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The writer of the per-file format the store used before the session log (base files
 * {@code <id>.<version>}, delta files {@code <id>.<base>.<version>}, tombstones {@code <id>.removed}),
 * kept in the tests to make directories for the upgrade to fold in. The encoders are the old
 * store's, moved here unchanged when the log replaced them; the formats are documented in
 * {@link LegacyBaseFormat}, {@link LegacyDeltaFormat} and {@link LegacyTombstoneFormat}.
 */
final class LegacyWriter {
    private final Path directory;

    LegacyWriter(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    /** Writes base file {@code <id>.<version>}; its length, for the deltas on it. */
    int base(StoredSession session) throws IOException {
        byte[] bytes = encodeBase(session);
        Files.write(directory.resolve(session.id() + "." + session.version()), bytes);
        return bytes.length;
    }

    /** Writes delta file {@code <id>.<baseVersion>.<version>}; its length. */
    int delta(StoredSession next, long baseVersion, int baseLength, long earlierBytes, Map<String, byte[]> changed,
              Set<String> removed) throws IOException {
        byte[] bytes = encodeDelta(next, baseVersion, baseLength, earlierBytes, changed, removed);
        Files.write(directory.resolve(next.id() + "." + baseVersion + "." + next.version()), bytes);
        return bytes.length;
    }

    void tombstone(String id, long until) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(16).putInt(0x544E4452).putLong(until);
        out.putInt(LegacyBaseFormat.crc(out.array(), 0, 12));
        Files.write(directory.resolve(id + ".removed"), out.array());
    }

    private static byte[] encodeBase(StoredSession session) {
        int length = 76;
        byte[][] names = new byte[session.attributes().size()][];
        byte[][] values = new byte[names.length][];
        int i = 0;
        for (Map.Entry<String, byte[]> attribute : session.attributes().entrySet()) {
            names[i] = attribute.getKey().getBytes(UTF_8);
            values[i] = attribute.getValue();
            length = Math.addExact(length, 8 + names[i].length + values[i].length);
            i++;
        }
        byte[] bytes = new byte[length];
        ByteBuffer out = ByteBuffer.wrap(bytes);
        out.putInt(LegacyBaseFormat.MAGIC).putInt(LegacyBaseFormat.FORMAT_VERSION);
        out.put(lastAccess(session.lastAccessedTime()));
        out.putInt(0); // the record checksum, filled in below
        out.putInt(length).putLong(session.version()).putLong(session.creationTime())
                .putInt(session.maxInactiveInterval()).put(session.id().getBytes(US_ASCII)).putInt(names.length);
        for (i = 0; i < names.length; i++) {
            out.putInt(names[i].length).put(names[i]).putInt(values[i].length).put(values[i]);
        }
        out.putInt(20, LegacyBaseFormat.crc(bytes, 24, length - 24));
        return bytes;
    }

    private static byte[] encodeDelta(StoredSession next, long baseVersion, int baseLength, long earlierBytes,
                                      Map<String, byte[]> changed, Set<String> removed) {
        int length = 100;
        byte[][] names = new byte[changed.size()][];
        byte[][] values = new byte[names.length][];
        int i = 0;
        for (Map.Entry<String, byte[]> attribute : changed.entrySet()) {
            names[i] = attribute.getKey().getBytes(UTF_8);
            values[i] = attribute.getValue();
            length = Math.addExact(length, 8 + names[i].length + values[i].length);
            i++;
        }
        byte[][] removedNames = new byte[removed.size()][];
        i = 0;
        for (String name : removed) {
            removedNames[i] = name.getBytes(UTF_8);
            length = Math.addExact(length, 4 + removedNames[i].length);
            i++;
        }
        byte[] bytes = new byte[length];
        ByteBuffer out = ByteBuffer.wrap(bytes);
        out.putInt(LegacyDeltaFormat.MAGIC).putInt(LegacyDeltaFormat.FORMAT_VERSION);
        out.put(lastAccess(next.lastAccessedTime()));
        out.putInt(0); // the record checksum, filled in below
        out.putInt(length).putLong(next.version()).putLong(baseVersion).putLong(next.creationTime())
                .putInt(next.maxInactiveInterval()).put(next.id().getBytes(US_ASCII))
                .putInt(baseLength).putLong(earlierBytes + length)
                .putInt(names.length).putInt(removedNames.length);
        for (i = 0; i < names.length; i++) {
            out.putInt(names[i].length).put(names[i]).putInt(values[i].length).put(values[i]);
        }
        for (byte[] name : removedNames) {
            out.putInt(name.length).put(name);
        }
        out.putInt(20, LegacyBaseFormat.crc(bytes, 24, length - 24));
        return bytes;
    }

    /** The 12 bytes at offset 8 of a base or delta file: the last access time and its own checksum. */
    private static ByteBuffer lastAccess(long time) {
        ByteBuffer field = ByteBuffer.allocate(12).putLong(time);
        field.putInt(LegacyBaseFormat.crc(field.array(), 0, 8));
        return field.flip();
    }
}
