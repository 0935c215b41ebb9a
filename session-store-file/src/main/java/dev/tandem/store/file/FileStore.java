package dev.tandem.store.file;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreException;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions as files, one per session: {@code <id>.<version>}. A save reads the current record,
 * applies the delta, writes the result under the next version's name and then deletes the old
 * file, so a crash at any instant leaves the old record, the new one, or both (the newest valid
 * one wins at start-up) and never a half-written record in their place. An in-memory index of
 * versions and times answers {@code version()}, expiry and sweeps without reading files.
 *
 * <p>All operations on one id hold that id's stripe lock; different ids proceed in parallel.
 */
final class FileStore implements SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    private static final String NAME = "file";

    private final SessionDirectory directory;
    private final Clock clock;
    private final long sessionTimeoutMillis;
    private final String logPrefix;
    private final Map<String, IndexEntry> index;
    /** Removed id → epoch millis until which a save of it is refused; each also a {@code <id>.removed} file. */
    private final Map<String, Long> tombstones;
    private final StripedLocks locks = new StripedLocks(1024);
    private final RecentRecords recent = new RecentRecords(1024);
    private volatile boolean closed;

    private FileStore(SessionDirectory directory, StoreContext context, String logPrefix, StartupScan scan) {
        this.directory = directory;
        this.clock = context.clock();
        this.sessionTimeoutMillis = context.sessionTimeout().toMillis();
        this.logPrefix = logPrefix;
        this.index = scan.sessions;
        this.tombstones = scan.tombstones;
    }

    static FileStore open(FileStoreConfig config, StoreContext context) {
        String logPrefix = "[" + context.webApp() + "]";
        long started = System.nanoTime();
        SessionDirectory directory = SessionDirectory.open(config, logPrefix);
        try {
            StartupScan scan = StartupScan.run(directory, logPrefix, context.clock().millis());
            LOG.info("{} file store at {} (fsync={}): {} sessions and {} tombstones indexed in {} ms; "
                            + "{} expired and {} superseded files deleted, {} corrupt files moved aside",
                    logPrefix, directory.path(), config.fsync(), scan.sessions.size(), scan.tombstones.size(),
                    (System.nanoTime() - started) / 1_000_000, scan.expired, scan.leftovers, scan.corrupt);
            return new FileStore(directory, context, logPrefix, scan);
        } catch (RuntimeException | Error e) {
            directory.close();
            throw e;
        }
    }

    @Override
    public StoredSession load(String id) {
        SessionId.requireWellFormed(id);
        ReentrantLock lock = locks.forId(id);
        lock.lock();
        try {
            IndexEntry entry = index.get(id);
            return entry == null ? null : read(id, entry);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long version(String id) {
        IndexEntry entry = index.get(SessionId.requireWellFormed(id));
        return entry == null ? 0 : entry.version();
    }

    @Override
    public long save(SessionChange change) {
        String id = SessionId.requireWellFormed(change.id());
        ReentrantLock lock = locks.forId(id);
        lock.lock();
        try {
            checkOpen(id);
            refuseIfRemoved(id);
            IndexEntry current = index.get(id);
            StoredSession previous = current == null ? null : readForSave(id, current);
            // After a corrupt record the version still goes up: a version is never given twice.
            long version = current == null ? 1 : current.version() + 1;
            StoredSession next = change.applyTo(previous, version);
            byte[] bytes = SessionFileFormat.encode(next);
            Path file = directory.sessionFile(id, version);
            try {
                directory.writeNew(file, bytes);
            } catch (IOException e) {
                throw new SessionStoreException(NAME, id, "cannot write " + file + ": " + e
                        + "; check free space and permissions of " + directory.path(), e);
            }
            recent.put(id, version, bytes);
            index.put(id, new IndexEntry(version, next.creationTime(), next.lastAccessedTime(),
                    next.maxInactiveInterval(), bytes.length));
            if (current != null) {
                directory.deleteQuietly(directory.sessionFile(id, current.version()));
            }
            return version;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void touch(String id, long lastAccessedTime) {
        SessionId.requireWellFormed(id);
        ReentrantLock lock = locks.forId(id);
        lock.lock();
        try {
            checkOpen(id);
            IndexEntry entry = index.get(id);
            if (entry == null) {
                return;
            }
            Path file = directory.sessionFile(id, entry.version());
            try {
                // In place, 12 bytes at a fixed offset: no new file, and the attributes are not rewritten.
                directory.writeAt(file, SessionFileFormat.LAST_ACCESS_OFFSET,
                        SessionFileFormat.lastAccess(lastAccessedTime), false);
            } catch (IOException e) {
                throw new SessionStoreException(NAME, id, "cannot write the last access time into " + file + ": " + e
                        + "; check free space and permissions of " + directory.path(), e);
            }
            index.put(id, entry.withLastAccessedTime(lastAccessedTime));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void remove(String id) {
        SessionId.requireWellFormed(id);
        ReentrantLock lock = locks.forId(id);
        lock.lock();
        try {
            checkOpen(id);
            IndexEntry entry = index.get(id);
            long interval = entry == null ? 0 : entry.maxInactiveInterval() * 1000L;
            long until = Math.max(clock.millis() + Math.max(interval, sessionTimeoutMillis),
                    tombstones.getOrDefault(id, Long.MIN_VALUE));
            Path tombstone = directory.tombstoneFile(id);
            try {
                // The tombstone first: a crash between the two steps must not let the session come back.
                directory.writeAt(tombstone, 0, TombstoneFormat.encode(until), true);
            } catch (IOException e) {
                throw new SessionStoreException(NAME, id, "cannot write tombstone " + tombstone + ": " + e
                        + "; check free space and permissions of " + directory.path(), e);
            }
            tombstones.put(id, until);
            if (entry != null) {
                index.remove(id);
                recent.remove(id);
                directory.deleteQuietly(directory.sessionFile(id, entry.version()));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> sweepExpired(long now) {
        List<String> deleted = new ArrayList<>();
        for (Map.Entry<String, IndexEntry> candidate : index.entrySet()) {
            if (!candidate.getValue().isExpiredAt(now)) {
                continue;
            }
            String id = candidate.getKey();
            ReentrantLock lock = locks.forId(id);
            lock.lock();
            try {
                // Checked again under the lock: a save or touch racing the sweep keeps its session.
                IndexEntry entry = index.get(id);
                if (entry != null && entry.isExpiredAt(now)) {
                    index.remove(id);
                    recent.remove(id);
                    directory.deleteQuietly(directory.sessionFile(id, entry.version()));
                    deleted.add(id);
                }
            } finally {
                lock.unlock();
            }
        }
        for (Map.Entry<String, Long> tombstone : tombstones.entrySet()) {
            if (tombstone.getValue() < now) {
                String id = tombstone.getKey();
                ReentrantLock lock = locks.forId(id);
                lock.lock();
                try {
                    Long until = tombstones.get(id);
                    if (until != null && until < now) {
                        tombstones.remove(id);
                        directory.deleteQuietly(directory.tombstoneFile(id));
                    }
                } finally {
                    lock.unlock();
                }
            }
        }
        return deleted;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            directory.close();
        }
    }

    /** The record {@code entry} points at, or {@code null} if its file turns out corrupt (then moved aside). */
    /** The current record for a save: from the bytes written last when they are still kept, else from the file. */
    private StoredSession readForSave(String id, IndexEntry entry) {
        byte[] kept = recent.get(id, entry.version());
        if (kept != null) {
            try {
                return SessionFileFormat.decode(kept, id, entry.version());
            } catch (CorruptFileException e) {
                recent.remove(id); // cannot happen with our own bytes; the file decides
            }
        }
        return read(id, entry);
    }

    private StoredSession read(String id, IndexEntry entry) {
        Path file = directory.sessionFile(id, entry.version());
        try {
            return SessionFileFormat.decode(directory.read(file), id, entry.version());
        } catch (CorruptFileException e) {
            directory.moveAside(file, e.getMessage());
            index.remove(id);
            recent.remove(id);
            return null;
        } catch (java.nio.file.NoSuchFileException e) {
            LOG.warn("{} session file {} was deleted behind the store's back; the session is treated as missing",
                    logPrefix, file);
            index.remove(id);
            recent.remove(id);
            return null;
        } catch (IOException e) {
            throw new SessionStoreException(NAME, id, "cannot read " + file + ": " + e
                    + "; check that the file is readable by the server's user", e);
        }
    }

    private void refuseIfRemoved(String id) {
        Long until = tombstones.get(id);
        if (until == null) {
            return;
        }
        if (until >= clock.millis()) {
            throw new SessionRemovedException(NAME, id);
        }
        tombstones.remove(id);
        directory.deleteQuietly(directory.tombstoneFile(id));
    }

    private void checkOpen(String id) {
        if (closed) {
            throw new SessionStoreException(NAME, id, "the file store of " + logPrefix + " at " + directory.path()
                    + " is closed; the web-app is stopping", null);
        }
    }
}
