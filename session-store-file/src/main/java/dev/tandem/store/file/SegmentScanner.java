package dev.tandem.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a segment from its start, record after record, and hands each whole record to a visitor.
 * Bytes that are not a whole record (a torn write, a hole a crashed writer left, bit rot) are
 * stepped over by looking for the next offset where a whole record starts (its magic, then its
 * length and checksum: invariant 3). Such a region in the middle of the segment is logged once;
 * after the last whole record it is the segment's torn tail, which the caller may cut.
 */
final class SegmentScanner {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentScanner.class);

    @FunctionalInterface
    interface Visitor {
        /** A whole record at {@code position}, starting at {@code at} in {@code in}. */
        void record(long position, ByteBuffer in, int at);
    }

    /** What a scan found: where the last whole record ended and the damage stepped over before it. */
    record Result(long size, long end, int skippedRegions, long skippedBytes) {
        boolean tornTail() {
            return end < size;
        }
    }

    private SegmentScanner() {}

    static Result scan(Segment segment, Visitor visitor, String logPrefix) throws IOException {
        return scan(segment, 0, visitor, logPrefix);
    }

    /** Scans from offset {@code from}, where a record starts (a hint file covered the bytes before it). */
    static Result scan(Segment segment, long from, Visitor visitor, String logPrefix) throws IOException {
        long size = segment.size();
        if (size <= from) {
            return new Result(size, size, 0, 0);
        }
        // Mapped, not read into the heap: a segment is up to 64 MiB and start-up reads them all.
        ByteBuffer in = segment.io(channel -> channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
        int at = (int) from;
        int end = at;
        int skippedRegions = 0;
        long skippedBytes = 0;
        while (at < size) {
            String problem = LogRecord.check(in, at, size - at);
            if (problem == null) {
                visitor.record(Segment.position(segment.number, at), in, at);
                at += LogRecord.length(in, at);
                end = at;
                continue;
            }
            int next = nextRecord(in, at + 1, size);
            if (next < 0) {
                break;
            }
            skippedRegions++;
            skippedBytes += next - at;
            LOG.warn("{} session log {}: {} bytes at offset {} are not a whole record ({}); skipped, the records "
                    + "after them load", logPrefix, segment, next - at, at, problem);
            at = next;
        }
        return new Result(size, end, skippedRegions, skippedBytes);
    }

    /** The first offset from {@code from} where a whole record starts, or -1. */
    private static int nextRecord(ByteBuffer in, int from, long size) {
        for (int at = from; at + LogRecord.MIN_LENGTH <= size; at++) {
            if (in.get(at) == 'T' && in.getInt(at) == LogRecord.MAGIC && LogRecord.check(in, at, size - at) == null) {
                return at;
            }
        }
        return -1;
    }
}
