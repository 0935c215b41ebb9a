package dev.tandem.benchmarks.save;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The raw operation under a file store's save: the session's bytes (about 2 KiB) written to a file
 * under a new name, then the session's previous file deleted; with {@code force}, the file is
 * forced to disk before the delete. No serialization, no index, no directory sync.
 */
final class RawFileWrites implements Subject {
    private final String name;
    private final Path directory;
    private final boolean force;
    private final byte[] bytes;
    private final Path[] previous;

    RawFileWrites(String name, Path directory, boolean force, int sessions, int bytesPerSession) throws Exception {
        this.name = name;
        this.directory = Files.createDirectories(directory);
        this.force = force;
        this.bytes = new byte[bytesPerSession];
        new Random(1).nextBytes(bytes);
        this.previous = new Path[sessions];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void save(int n) throws Exception {
        int session = n % previous.length;
        Path file = directory.resolve(session + "." + n);
        try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
            channel.write(ByteBuffer.wrap(bytes));
            if (force) {
                channel.force(true);
            }
        }
        if (previous[session] != null) {
            Files.delete(previous[session]);
        }
        previous[session] = file;
    }

    @Override
    public void close() {
        // the run deletes its work directory
    }
}
