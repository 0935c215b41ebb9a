package dev.tandem.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the tests read of a store directory's log: its segment files and the records in them. */
final class LogFiles {
    /** One record as it lies in a segment file. */
    record Found(Path segment, int offset, int length, byte type, String id, long version) {}

    private LogFiles() {}

    /** The segment files of {@code directory}, oldest first. */
    static List<Path> segments(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> Segment.number(f.getFileName().toString()) >= 0).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of every segment together: what the log holds on disk. */
    static long bytes(Path directory) {
        long bytes = 0;
        for (Path segment : segments(directory)) {
            try {
                bytes += Files.size(segment);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes;
    }

    /** Every whole record in the log, in log order (the files as they are, read without the store). */
    static List<Found> records(Path directory) {
        List<Found> found = new ArrayList<>();
        for (Path segment : segments(directory)) {
            try {
                ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(segment));
                int at = 0;
                while (at < in.capacity() && LogRecord.check(in, at, in.capacity() - at) == null) {
                    int length = LogRecord.length(in, at);
                    found.add(new Found(segment, at, length, LogRecord.type(in, at), LogRecord.id(in, at),
                            LogRecord.version(in, at)));
                    at += length;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /** The record of session {@code id} of {@code type} at {@code version}. */
    static Found record(Path directory, String id, byte type, long version) {
        return records(directory).stream()
                .filter(r -> r.id().equals(id) && r.type() == type && r.version() == version)
                .reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no record of type " + type + " at version " + version));
    }

    /** Changes byte {@code index} of {@code record} (counted from its start) by xor with {@code mask}. */
    static void flip(Found record, int index, int mask) {
        try {
            byte[] bytes = Files.readAllBytes(record.segment());
            bytes[record.offset() + index] ^= (byte) mask;
            Files.write(record.segment(), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Cuts the segment of {@code record} to end {@code keep} bytes into it. */
    static void cut(Found record, int keep) {
        try {
            byte[] bytes = Files.readAllBytes(record.segment());
            Files.write(record.segment(), java.util.Arrays.copyOf(bytes, record.offset() + keep));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
