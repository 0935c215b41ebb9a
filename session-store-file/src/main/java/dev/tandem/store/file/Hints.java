package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.tandem.session.SessionId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A segment's hint file, {@code log-<number>.hint} (Bitcask's hint files): the header of every
 * whole record in the segment, without attributes, so that start-up reads about 80 bytes per
 * record instead of the record (a 2 KiB session: 26 times less). Written once the segment is sealed
 * and no write is in flight in it, to a temporary name and renamed; never trusted blindly: a hint
 * that is missing, damaged (its CRC32C), of another format or longer than its segment is ignored and
 * the segment read instead. A notices record of the cluster's disk copy ({@link CopyLog}) has no
 * session id to hint by: a hint covers only the records before the first one. Big-endian:
 *
 * <pre>
 *  0  int   magic "TNDH"
 *  4  long  bytes of the segment it covers (start-up reads any bytes after them from the segment)
 * 12  int   entry count
 * 16  per record: byte type, 24 B id, long version, int offset, int length, long creation time,
 *     long last access, int max inactive interval, long base version, long previous position
 * end int   CRC32C of every byte before it
 * </pre>
 */
final class Hints {
    private static final Logger LOG = LoggerFactory.getLogger(Hints.class);
    private static final int MAGIC = 0x544E4448;
    private static final int HEADER = 16;
    private static final int ENTRY = 1 + SessionId.LENGTH + 8 + 4 + 4 + 8 + 8 + 4 + 8 + 8;

    private Hints() {}

    static Path file(SessionDirectory directory, int segment) {
        return directory.inside(String.format("%s%010d.hint", Segment.PREFIX, segment));
    }

    /** Writes the hint of {@code segment}, which no writer may still append to. */
    static void write(SessionDirectory directory, Segment segment, String logPrefix) throws IOException {
        long size = segment.size();
        ByteBuffer[] out = {ByteBuffer.allocate(HEADER + 1024 * ENTRY)};
        int[] count = {0};
        // Notices have no id to hint by: the hint covers the records before the first of them, start-up reads the rest.
        long[] notices = {Long.MAX_VALUE};
        out[0].position(HEADER);
        SegmentScanner.Result result = SegmentScanner.scan(segment, (position, in, at) -> {
            if (notices[0] != Long.MAX_VALUE || LogRecord.type(in, at) == LogRecord.NOTICES) {
                notices[0] = Math.min(notices[0], Segment.offsetOf(position));
                return;
            }
            if (out[0].remaining() < ENTRY + 4) {
                ByteBuffer bigger = ByteBuffer.allocate(out[0].capacity() * 2);
                bigger.put(out[0].flip());
                out[0] = bigger;
            }
            LogRecord.Header h = LogRecord.Header.of(position, in, at);
            out[0].put(h.type()).put(h.id().getBytes(US_ASCII)).putLong(h.version()).putInt(Segment.offsetOf(position))
                    .putInt(h.length()).putLong(h.creationTime()).putLong(h.lastAccessedTime())
                    .putInt(h.maxInactiveInterval()).putLong(h.baseVersion()).putLong(h.previous());
            count[0]++;
        }, logPrefix);
        ByteBuffer bytes = out[0];
        // Covers up to the last whole record: anything after it is read from the segment at start-up.
        bytes.putInt(0, MAGIC).putLong(4, Math.min(Math.min(size, result.end()), notices[0])).putInt(12, count[0]);
        CRC32C crc = new CRC32C();
        crc.update(bytes.array(), 0, bytes.position());
        bytes.putInt((int) crc.getValue());
        directory.replace(file(directory, segment.number), java.util.Arrays.copyOf(bytes.array(), bytes.position()));
        segment.hinted = true;
    }

    /**
     * Hands the headers in the hint of {@code segment} to {@code apply}, in log order, and returns
     * the bytes of the segment they cover; -1 (nothing applied) if there is no usable hint.
     */
    static long read(SessionDirectory directory, Segment segment, Consumer<LogRecord.Header> apply, String logPrefix)
            throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(directory, segment.number));
        } catch (NoSuchFileException e) {
            return -1;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        String problem = check(in, segment.size());
        if (problem != null) {
            LOG.warn("{} hint file of {} is not usable ({}); the segment is read instead", logPrefix, segment, problem);
            return -1;
        }
        int count = in.getInt(12);
        if (count > 0 && !lastEntryMatches(in, count, segment)) {
            LOG.warn("{} hint file of {} does not match the segment's records; the segment is read instead",
                    logPrefix, segment);
            return -1;
        }
        in.position(HEADER);
        byte[] id = new byte[SessionId.LENGTH];
        for (int i = 0; i < count; i++) {
            byte type = in.get();
            in.get(id);
            long version = in.getLong();
            long position = Segment.position(segment.number, in.getInt());
            apply.accept(new LogRecord.Header(type, new String(id, US_ASCII), version, position, in.getInt(),
                    in.getLong(), in.getLong(), in.getInt(), in.getLong(), in.getLong()));
        }
        return in.getLong(4);
    }

    /**
     * Whether the record the last entry names is in the segment where the entry says, whole: one
     * read that catches a hint of another segment, or of one whose records moved.
     */
    private static boolean lastEntryMatches(ByteBuffer in, int count, Segment segment) throws IOException {
        int at = HEADER + (count - 1) * ENTRY;
        byte[] id = new byte[SessionId.LENGTH];
        in.get(at + 1, id);
        int offset = in.getInt(at + 1 + SessionId.LENGTH + 8);
        int length = in.getInt(at + 1 + SessionId.LENGTH + 12);
        if (offset < 0 || length < LogRecord.MIN_LENGTH || (long) offset + length > segment.size()) {
            return false;
        }
        ByteBuffer record = segment.io(channel -> {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            long position = offset;
            while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) >= 0) {
                // read on
            }
            return buffer.flip();
        });
        return LogRecord.check(record, 0, record.remaining()) == null && LogRecord.length(record, 0) == length
                && LogRecord.type(record, 0) == in.get(at) && LogRecord.id(record, 0).equals(new String(id, US_ASCII))
                && LogRecord.version(record, 0) == in.getLong(at + 1 + SessionId.LENGTH);
    }

    private static String check(ByteBuffer in, long segmentSize) {
        int length = in.capacity();
        if (length < HEADER + 4 || in.getInt(0) != MAGIC) {
            return "not a hint file";
        }
        CRC32C crc = new CRC32C();
        crc.update(in.array(), 0, length - 4);
        if (in.getInt(length - 4) != (int) crc.getValue()) {
            return "bad checksum";
        }
        int count = in.getInt(12);
        if (count < 0 || (long) count * ENTRY + HEADER + 4 != length) {
            return "an entry count of " + count + " in " + length + " bytes";
        }
        if (in.getLong(4) > segmentSize) {
            return "it covers " + in.getLong(4) + " bytes of a segment of " + segmentSize;
        }
        return null;
    }
}
