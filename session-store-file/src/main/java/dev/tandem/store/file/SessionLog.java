package dev.tandem.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The segment files of one store directory and the only code that writes them: records are
 * appended at the head, read back by position, and whole segments deleted once compaction moved
 * what was live in them. See {@code package-info.java} for the invariants.
 *
 * <p>Concurrent appends do not share a lock across the write: a writer reserves its offset under
 * this object's monitor (a few arithmetic operations, no I/O except creating the next segment
 * once every {@code segmentSize} bytes) and then writes at that offset with a positional write,
 * in parallel with the others. A writer that dies between the two leaves a hole of zeros or a torn
 * record, which a reader steps over by resynchronising on the next record's magic (invariant 3).
 */
final class SessionLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionLog.class);

    private final SessionDirectory directory;
    private final long segmentSize;
    private final String logPrefix;
    private final ConcurrentSkipListMap<Integer, Segment> segments = new ConcurrentSkipListMap<>();
    private final GroupCommit commit = new GroupCommit(this::forceDirty);
    private Segment head;
    /** Told when a segment is full and a new head started: compaction may have work. Must not block. */
    private volatile Runnable onRoll = () -> { };

    private SessionLog(SessionDirectory directory, long segmentSize, String logPrefix) {
        this.directory = directory;
        this.segmentSize = segmentSize;
        this.logPrefix = logPrefix;
    }

    /** Opens the segments already in the directory, all sealed; {@link #startHead} opens a new one to write. */
    static SessionLog open(SessionDirectory directory, long segmentSize, String logPrefix) {
        SessionLog log = new SessionLog(directory, segmentSize, logPrefix);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory.path(), Segment.PREFIX + "*")) {
            for (Path file : files) {
                int number = Segment.number(file.getFileName().toString());
                if (number >= 0 && Files.isRegularFile(file)) {
                    if (Files.size(file) == 0) {
                        // A head no save reached before its store closed or crashed: nothing to read.
                        directory.deleteQuietly(file);
                        directory.deleteQuietly(Hints.file(directory, number));
                        continue;
                    }
                    FileChannel channel = directory.openSegment(file, false);
                    Segment segment = new Segment(number, file, channel, channel.size());
                    segment.full = true;
                    log.segments.put(number, segment);
                }
            }
        } catch (IOException e) {
            log.close();
            throw new IllegalStateException("cannot open the session log in " + directory.path() + ": " + e
                    + "; check that the server's user may read and write it", e);
        }
        return log;
    }

    /** Starts a new head segment after every existing one: a store never appends to a segment it did not create. */
    synchronized void startHead() throws IOException {
        int number = segments.isEmpty() ? 1 : segments.lastKey() + 1;
        Path file = directory.inside(Segment.name(number));
        Segment segment = new Segment(number, file, directory.openSegment(file, true), 0);
        segments.put(number, segment);
        if (head != null) {
            head.full = true;
        }
        head = segment;
        onRoll.run();
    }

    void onRoll(Runnable listener) {
        this.onRoll = listener;
    }

    /** The segments, oldest first. */
    List<Segment> segments() {
        return new ArrayList<>(segments.values());
    }

    Segment segment(int number) {
        return segments.get(number);
    }

    boolean isOldest(Segment segment) {
        return !segments.isEmpty() && segments.firstKey() == segment.number;
    }

    long segmentSize() {
        return segmentSize;
    }

    Path path() {
        return directory.path();
    }

    /**
     * Appends {@code record} and returns its position. Not forced: with fsync, {@link #force} after
     * it. A record longer than a segment gets a segment of its own.
     */
    long append(byte[] record) throws IOException {
        Segment segment;
        long offset;
        synchronized (this) {
            if (head == null) {
                throw new java.nio.channels.ClosedChannelException(); // the store closed under a racing save
            }
            if (head.reserved > 0 && head.reserved + record.length > segmentSize) {
                startHead();
            }
            segment = head;
            offset = segment.reserved;
            segment.reserved += record.length;
            segment.writing.incrementAndGet();
        }
        try {
            segment.io(channel -> {
                ByteBuffer buffer = ByteBuffer.wrap(record);
                long at = offset;
                while (buffer.hasRemaining()) {
                    at += channel.write(buffer, at);
                }
                return null;
            });
            segment.dirty.set(true);
        } finally {
            segment.writing.decrementAndGet();
        }
        return Segment.position(segment.number, offset);
    }

    /** Returns once a force that began after this call has put every append before it on disk (group commit). */
    void force() throws IOException {
        commit.await();
    }

    /** Forces so far, for tests and the benchmarks: how many saves shared one. */
    long forces() {
        return commit.rounds();
    }

    /** Forces every segment written since its last force: called by {@link GroupCommit}, one caller at a time. */
    void forceDirty() throws IOException {
        for (Segment segment : segments.values()) {
            if (segment.dirty.getAndSet(false)) {
                try {
                    segment.force();
                } catch (IOException e) {
                    segment.dirty.set(true);
                    throw e;
                }
            }
        }
    }

    /** Forces the segments {@code numbers}: compaction's copies, without waiting for whatever else is dirty. */
    void force(java.util.Set<Integer> numbers) throws IOException {
        for (int number : numbers) {
            Segment segment = segments.get(number);
            if (segment != null) {
                segment.force();
            }
        }
    }

    /** The {@code length} bytes at {@code position}, fewer if the segment ends first; {@code null} if it is gone. */
    ByteBuffer read(long position, int length) throws IOException {
        Segment segment = segments.get(Segment.segmentOf(position));
        if (segment == null) {
            return null;
        }
        return segment.io(channel -> {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            long at = Segment.offsetOf(position);
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, at);
                if (n < 0) {
                    break;
                }
                at += n;
            }
            return buffer.flip();
        });
    }

    /** The whole record at {@code position}, checked; {@code null} if it is not there or fails its checks. */
    ByteBuffer readRecord(long position, int lengthHint) throws IOException {
        ByteBuffer in = read(position, Math.max(lengthHint, LogRecord.MIN_LENGTH));
        if (in == null || in.remaining() < LogRecord.FRAME) {
            return null;
        }
        int length = LogRecord.length(in, 0);
        if (length != in.remaining() && length >= LogRecord.MIN_LENGTH && length <= segmentLimit(position)) {
            in = read(position, length);
        }
        return LogRecord.check(in, 0, in.remaining()) == null && LogRecord.length(in, 0) == in.remaining() ? in : null;
    }

    private long segmentLimit(long position) throws IOException {
        Segment segment = segments.get(Segment.segmentOf(position));
        return segment == null ? 0 : segment.size() - Segment.offsetOf(position);
    }

    /** Counts {@code bytes} at {@code position} as live ({@code > 0}) or no longer live ({@code < 0}). */
    void live(long position, long bytes) {
        Segment segment = segments.get(Segment.segmentOf(position));
        if (segment != null) {
            segment.live.addAndGet(bytes);
        }
    }

    /** Cuts a segment's torn tail at {@code length}, the end of its last whole record. */
    void truncate(Segment segment, long length) throws IOException {
        segment.io(channel -> channel.truncate(length));
        synchronized (this) {
            segment.reserved = length;
        }
    }

    /** Deletes a segment whose live records were all moved; the caller forced the head first. */
    void delete(Segment segment) {
        segments.remove(segment.number);
        try {
            segment.close();
        } catch (IOException e) {
            LOG.debug("{} closing {}: {}", logPrefix, segment, e.toString());
        }
        directory.deleteQuietly(segment.file);
        directory.deleteQuietly(Hints.file(directory, segment.number));
    }

    /** Deletes the head if nothing was ever appended to it; called once the store no longer appends. */
    synchronized void dropEmptyHead() throws IOException {
        if (head != null && head.reserved == 0 && head.writing.get() == 0 && head.size() == 0) {
            delete(head);
            head = null;
        }
    }

    @Override
    public void close() {
        for (Segment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException e) {
                LOG.debug("{} closing {}: {}", logPrefix, segment, e.toString());
            }
        }
    }
}
