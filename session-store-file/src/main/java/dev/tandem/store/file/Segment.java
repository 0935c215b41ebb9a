package dev.tandem.store.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One segment file of the session log, {@code log-<number>.seg}: records appended one after the
 * other, never rewritten. A position in the log is one long, the segment number in the high 32
 * bits and the offset in the low 32, so positions compare in log order (invariant 1 in
 * {@code package-info.java}).
 */
final class Segment {
    static final String PREFIX = "log-";
    static final String SUFFIX = ".seg";

    final int number;
    final Path file;
    /** Replaced when an interrupt closed it (see {@link #io}); closed for good by {@link #close}. */
    private volatile FileChannel channel;
    private volatile boolean closed;
    /** Bytes handed out to writers so far (the head's next offset); guarded by the log's monitor. */
    long reserved;
    /** Writes reserved in this segment that have not returned yet: a segment is sealed only at 0. */
    final AtomicInteger writing = new AtomicInteger();
    /** Bytes of records the index still needs, as counted by {@link SessionLog#live}; an estimate. */
    final AtomicLong live = new AtomicLong();
    /** Written since the last force: group commit forces only these. */
    final AtomicBoolean dirty = new AtomicBoolean();
    /** Its hint file is written (or was read at start-up): see {@link Hints}. */
    volatile boolean hinted;
    /** No more reservations: a newer segment is the head. */
    volatile boolean full;

    Segment(int number, Path file, FileChannel channel, long size) {
        this.number = number;
        this.file = file;
        this.channel = channel;
        this.reserved = size;
    }

    static String name(int number) {
        return String.format("%s%010d%s", PREFIX, number, SUFFIX);
    }

    /** The segment number of a file name, or -1 if it is not a segment's. */
    static int number(String name) {
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || name.length() != PREFIX.length() + 10 + SUFFIX.length()) {
            return -1;
        }
        String digits = name.substring(PREFIX.length(), PREFIX.length() + 10);
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        long number = Long.parseLong(digits);
        return number <= Integer.MAX_VALUE ? (int) number : -1;
    }

    static long position(int segment, long offset) {
        return ((long) segment << 32) | offset;
    }

    static int segmentOf(long position) {
        return (int) (position >>> 32);
    }

    static int offsetOf(long position) {
        return (int) position;
    }

    /** One read or write at a position; the channel it runs on may be replaced under it. */
    @FunctionalInterface
    interface Io<T> {
        T on(FileChannel channel) throws IOException;
    }

    /**
     * Runs {@code io} on the channel. A thread interrupted in the middle of a channel operation
     * closes the channel for every thread (ClosedByInterruptException), and request threads do get
     * interrupted (container time-outs, pool shrinking): so the channel is reopened and the
     * operation run again with the interrupt put aside, then restored. Positional reads and writes
     * can be repeated: a write puts the same bytes at the same offset.
     */
    <T> T io(Io<T> io) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                FileChannel current = channel;
                try {
                    return io.on(current);
                } catch (java.nio.channels.ClosedChannelException e) {
                    if (closed) {
                        throw e;
                    }
                    interrupted |= Thread.interrupted();
                    reopen(current);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void reopen(FileChannel broken) throws IOException {
        if (channel == broken && !closed) {
            channel = FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE);
        }
    }

    long size() throws IOException {
        return io(FileChannel::size);
    }

    void force() throws IOException {
        io(c -> {
            c.force(false);
            return null;
        });
    }

    synchronized void close() throws IOException {
        closed = true;
        channel.close();
    }

    /** Sealed: no more writes will land here, so it may be compacted. */
    boolean sealed() {
        return full && writing.get() == 0;
    }

    @Override
    public String toString() {
        return file.getFileName().toString();
    }
}
