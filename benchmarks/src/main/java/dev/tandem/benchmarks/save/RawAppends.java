package dev.tandem.benchmarks.save;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The raw operation under a log-structured store's save: the session's bytes (about 2 KiB) appended
 * to one file kept open; with {@code force}, the file forced to disk after each append. No
 * serialization, no framing, no index. The file is started again every 64 MiB, as the store's
 * segments are, so that it does not grow without end over a long run.
 */
final class RawAppends implements Subject {
    private static final long ROLL = 64L << 20;
    private final String name;
    private final Path directory;
    private final boolean force;
    private final ByteBuffer bytes;
    private FileChannel channel;
    private int files;

    RawAppends(String name, Path directory, boolean force, int bytesPerSession) throws Exception {
        this.name = name;
        this.directory = Files.createDirectories(directory);
        this.force = force;
        byte[] b = new byte[bytesPerSession];
        new Random(1).nextBytes(b);
        this.bytes = ByteBuffer.wrap(b);
        roll();
    }

    private void roll() throws Exception {
        if (channel != null) {
            channel.close();
            Files.delete(directory.resolve("append-" + (files - 1)));
        }
        channel = FileChannel.open(directory.resolve("append-" + files++), CREATE_NEW, WRITE, APPEND);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void save(int n) throws Exception {
        bytes.clear();
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        if (force) {
            channel.force(false);
        }
        if (channel.position() >= ROLL) {
            roll();
        }
    }

    @Override
    public void close() throws Exception {
        channel.close();
    }
}
