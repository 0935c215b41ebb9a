package dev.tandem.store.file;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of one web-app's session log: created owner-only, locked by one store at a time
 * (an exclusive lock on {@code .lock}), every name checked to lie inside it. Also names the files
 * of the per-file format that came before the log, which start-up folds into the log once
 * ({@link Migration}).
 */
final class SessionDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionDirectory.class);
    static final String LOCK_FILE = ".lock";
    static final String CORRUPT_SUFFIX = ".corrupt";
    static final String TOMBSTONE_SUFFIX = ".removed";
    private static final Set<OpenOption> CREATE_NEW_READ_WRITE = Set.of(CREATE_NEW, READ, WRITE);
    private static final Set<OpenOption> CREATE_WRITE = Set.of(CREATE, WRITE);

    private final Path path;
    private final String logPrefix;
    private final boolean fsync;
    private final FileAttribute<?>[] fileAttributes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Open only with fsync: forced after each new segment so that its name is on disk too. */
    private final FileChannel directoryChannel;

    private SessionDirectory(Path path, String logPrefix, boolean fsync, FileAttribute<?>[] fileAttributes,
                             FileChannel lockChannel, FileLock lock, FileChannel directoryChannel) {
        this.path = path;
        this.logPrefix = logPrefix;
        this.fsync = fsync;
        this.fileAttributes = fileAttributes;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.directoryChannel = directoryChannel;
    }

    /** Creates the directory (owner-only) if missing and locks it for this store. */
    static SessionDirectory open(FileStoreConfig config, String logPrefix) {
        Path path = config.directory();
        boolean posix = posix(path);
        FileAttribute<?>[] directoryAttributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
                : new FileAttribute<?>[0];
        FileAttribute<?>[] fileAttributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try {
            Files.createDirectories(path, directoryAttributes);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("path: " + e.getFile() + " exists and is not a directory; "
                    + "set init-param path to a directory", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("path: cannot create the session directory " + path + ": " + e
                    + "; check that the server's user may write there", e);
        }
        FileChannel lockChannel = null;
        FileChannel directoryChannel = null;
        try {
            lockChannel = FileChannel.open(path.resolve(LOCK_FILE), CREATE_WRITE, fileAttributes);
            FileLock lock = tryLock(lockChannel, path);
            if (config.fsync()) {
                directoryChannel = FileChannel.open(path, READ);
            }
            return new SessionDirectory(path, logPrefix, config.fsync(), fileAttributes, lockChannel, lock,
                    directoryChannel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(directoryChannel);
            closeQuietly(lockChannel);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalArgumentException("path: cannot open the session directory " + path + ": " + e, e);
        }
    }

    private static FileLock tryLock(FileChannel channel, Path path) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IllegalStateException("the session directory " + path + " is in use by another file store "
                    + "(in this JVM or another); give each server and web-app its own path");
        }
        return lock;
    }

    private static boolean posix(Path path) {
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        try {
            return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
        } catch (IOException e) {
            return false;
        }
    }

    Path path() {
        return path;
    }

    boolean fsync() {
        return fsync;
    }

    Path sessionFile(String id, long version) {
        return inside(id + '.' + version);
    }

    /** The delta file of version {@code version} on base {@code baseVersion}. */
    Path deltaFile(String id, long baseVersion, long version) {
        return inside(id + '.' + baseVersion + '.' + version);
    }

    /**
     * Deletes the base {@code <id>.<baseVersion>} and then its deltas up to {@code version}. The
     * base first: a crash in between leaves deltas without a base, which start-up deletes, and
     * never a base with a gap in its deltas that could pass for an older version of the session.
     */
    void deleteChain(String id, long baseVersion, long version) {
        deleteQuietly(sessionFile(id, baseVersion));
        for (long v = baseVersion + 1; v <= version; v++) {
            deleteQuietly(deltaFile(id, baseVersion, v));
        }
    }

    Path tombstoneFile(String id) {
        return inside(id + TOMBSTONE_SUFFIX);
    }

    /** {@code name} in this directory; refuses anything that would resolve elsewhere. */
    Path inside(String name) {
        Path file = path.resolve(name).normalize();
        if (!path.equals(file.getParent())) {
            throw new IllegalArgumentException("file name '" + name + "' resolves outside the session directory "
                    + path);
        }
        return file;
    }

    /**
     * Opens segment {@code file} to read and write, creating it (owner-only) if {@code create}; with
     * fsync a new file's name is forced to disk with the directory before it is used.
     */
    FileChannel openSegment(Path file, boolean create) throws IOException {
        FileChannel channel = create
                ? FileChannel.open(file, CREATE_NEW_READ_WRITE, fileAttributes)
                : FileChannel.open(file, READ, WRITE);
        if (create) {
            try {
                forceDirectory();
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }
        return channel;
    }

    /**
     * Writes a whole small file (owner-only) under a temporary name and renames it over
     * {@code file}: a reader sees the old file, the new one, or none, never a part.
     */
    void replace(Path file, byte[] bytes) throws IOException {
        Path temporary = inside(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary, CREATE_NEW_READ_WRITE, fileAttributes)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    byte[] read(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    private void forceDirectory() throws IOException {
        if (directoryChannel != null) {
            directoryChannel.force(true);
        }
    }

    /** Deletes {@code file} if it is there; a failure is logged, as a leftover is cleaned at the next start. */
    void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("{} cannot delete {}: {}; it is deleted at the next start", logPrefix, file, e.toString());
        }
    }

    /** Renames a file that cannot be trusted to {@code *.corrupt}, so that it is kept for a look but never read. */
    void moveAside(Path file, String reason) {
        for (int attempt = 1; attempt <= 100; attempt++) {
            Path target = inside(file.getFileName() + (attempt == 1 ? "" : "." + attempt) + CORRUPT_SUFFIX);
            try {
                Files.move(file, target);
                LOG.warn("{} session file {} is corrupt ({}); moved aside to {} and treated as missing",
                        logPrefix, file, reason, target.getFileName());
                return;
            } catch (FileAlreadyExistsException e) {
                // an earlier file of the same name was moved aside too: try the next name
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                LOG.warn("{} session file {} is corrupt ({}) and cannot be moved aside: {}; it is ignored",
                        logPrefix, file, reason, e.toString());
                return;
            }
        }
        LOG.warn("{} session file {} is corrupt ({}); 100 earlier copies are already aside, so it is ignored",
                logPrefix, file, reason);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("{} releasing the directory lock: {}", logPrefix, e.toString());
        }
        closeQuietly(lockChannel);
        closeQuietly(directoryChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a channel we no longer use; nothing is lost
            }
        }
    }
}
