package dev.tandem.store.file;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * The directory of one web-app's session files and every file operation on it. Files are only
 * ever created under new names, rewritten in place at a fixed offset, or deleted: never renamed
 * over nor truncated, because ext4 then forces a data flush (~1 ms) on every save. Holds an
 * exclusive lock on {@code .lock} so that two stores never write into one directory.
 */
final class SessionDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionDirectory.class);
    static final String LOCK_FILE = ".lock";
    static final String CORRUPT_SUFFIX = ".corrupt";
    static final String TOMBSTONE_SUFFIX = ".removed";
    private static final Set<OpenOption> CREATE_NEW_WRITE = Set.of(CREATE_NEW, WRITE);
    private static final Set<OpenOption> CREATE_WRITE = Set.of(CREATE, WRITE);
    private static final Set<OpenOption> WRITE_ONLY = Set.of(WRITE);

    private final Path path;
    private final String logPrefix;
    private final boolean fsync;
    private final FileAttribute<?>[] fileAttributes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    /** Open only with fsync: forced after each new file so that its name is on disk too. */
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

    /** The newest file of the session's chain: the one that holds its current times. */
    Path tipFile(String id, IndexEntry entry) {
        return entry.deltaCount() == 0 ? sessionFile(id, entry.version())
                : deltaFile(id, entry.baseVersion(), entry.version());
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

    /** Writes {@code bytes} to a file that must not exist yet; with fsync, file and name are on disk on return. */
    void writeNew(Path file, byte[] bytes) throws IOException {
        // Opened outside the try: if the name is taken, that file is not ours to delete.
        FileChannel opened = FileChannel.open(file, CREATE_NEW_WRITE, fileAttributes);
        try (FileChannel channel = opened) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (fsync) {
                channel.force(true);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
        forceDirectory();
    }

    /** Writes {@code bytes} at {@code position} of {@code file}, creating it if {@code create}; never truncates. */
    void writeAt(Path file, long position, ByteBuffer bytes, boolean create) throws IOException {
        try (FileChannel channel = FileChannel.open(file, create ? CREATE_WRITE : WRITE_ONLY, fileAttributes)) {
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
            if (fsync && create) {
                channel.force(true);
            }
        }
        if (create) {
            forceDirectory();
        }
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
