package dev.tandem.benchmarks.file;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The floor for a durable save: write 2 KiB to a new file, force it, delete the previous one. A
 * save with {@code fsync=true} cannot be faster than this; the issue asks for within 1.2× of it.
 */
final class ForceBaseline implements StoreUnderTest {
    private final Path directory;
    private final byte[] bytes = new byte[2048];
    private Path previous;

    ForceBaseline(Path directory) throws Exception {
        this.directory = Files.createDirectories(directory);
    }

    @Override
    public String name() {
        return "baseline: new 2 KiB file + one force()";
    }

    @Override
    public boolean loads() {
        return false;
    }

    @Override
    public void save(int session, int counter) throws Exception {
        Path file = directory.resolve(session + "." + counter);
        try (FileChannel channel = FileChannel.open(file, CREATE_NEW, WRITE)) {
            channel.write(ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        if (previous != null) {
            Files.delete(previous);
        }
        previous = file;
    }

    @Override
    public int load(int session) {
        throw new UnsupportedOperationException("a baseline for saves only");
    }

    @Override
    public void close() {
        // the benchmark deletes its work directory
    }
}
