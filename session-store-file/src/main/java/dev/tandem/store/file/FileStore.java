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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions as chains of files. A session's base file {@code <id>.<version>} holds its whole
 * record; each later save writes only what it changed (the changed attributes' bytes, the removed
 * names, the times) to a new delta file {@code <id>.<base version>.<version>}, so a large session
 * with one changed attribute costs one attribute's bytes on disk. A load reads the base and applies
 * the deltas in version order; a corrupt or missing delta ends the chain there (the newest version
 * reached whole wins). When the deltas reach {@value #MAX_DELTAS} files or half the base's bytes,
 * the save writes a whole new base under its version instead and only then deletes the old chain,
 * so a crash at any instant leaves the old chain, the new base, or both (the newest whole base
 * wins at start-up). Files are only ever created under new names: never renamed over nor
 * truncated; with fsync each new file, then the directory, is forced before the save returns. A
 * touch rewrites the last access time in place in the newest file of the chain. An in-memory index
 * of versions, times and where each chain stands answers {@code version()}, expiry and sweeps
 * without reading files; remove and the expiry sweep delete the whole chain.
 *
 * <p>All operations on one id hold that id's stripe lock; different ids proceed in parallel.
 */
final class FileStore implements SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    private static final String NAME = "file";
    /** Deltas on one base before a save writes a new base: bounds the files a load reads. */
    static final int MAX_DELTAS = 32;

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
            if (entry == null) {
                return null;
            }
            StoredSession kept = recent.get(id, entry.version());
            return kept != null ? copyOf(kept, entry) : read(id, entry);
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
            // After a corrupt record or lost deltas the version still goes up: a version is never given twice.
            long version = current == null ? 1 : current.nextVersion();
            // The store's own copies of the changed values: the record is kept for the next save.
            Map<String, byte[]> changed = new HashMap<>(change.changed().size() * 2);
            change.changed().forEach((name, value) -> changed.put(name, value.clone()));
            StoredSession next = new SessionChange(id, change.creationTime(), change.lastAccessedTime(),
                    change.maxInactiveInterval(), changed, change.removed()).applyTo(previous, version);
            // The chain as the read left it: a read that found a bad delta cut it short.
            IndexEntry chain = previous == null ? null : index.get(id);
            byte[] delta = chain != null && canAppend(chain, current)
                    ? DeltaFileFormat.encode(next, chain.baseVersion(), chain.baseLength(), chain.deltaBytes(),
                            changed, change.removed())
                    : null;
            // Deltas past half the base would cost more to write and read than a new base.
            if (delta != null && chain.deltaBytes() + delta.length <= chain.baseLength() / 2) {
                write(id, directory.deltaFile(id, chain.baseVersion(), version), delta);
                index.put(id, new IndexEntry(version, next.creationTime(), next.lastAccessedTime(),
                        next.maxInactiveInterval(), chain.baseVersion(), chain.baseLength(),
                        chain.deltaBytes() + delta.length, 0));
            } else {
                byte[] bytes = SessionFileFormat.encode(next);
                write(id, directory.sessionFile(id, version), bytes);
                index.put(id, new IndexEntry(version, next.creationTime(), next.lastAccessedTime(),
                        next.maxInactiveInterval(), version, bytes.length, 0, 0));
                if (current != null) {
                    // Only now that the new base is whole: until here the old chain is the session.
                    directory.deleteChain(id, current.baseVersion(), current.version());
                }
            }
            recent.put(next);
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
            // The newest file of the chain holds the times that start-up and load take.
            Path file = directory.tipFile(id, entry);
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
                directory.deleteChain(id, entry.baseVersion(), entry.version());
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
                    directory.deleteChain(id, entry.baseVersion(), entry.version());
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

    /** Whether a save may add a delta to {@code chain}: it is whole, still {@code current}, and not too long. */
    private static boolean canAppend(IndexEntry chain, IndexEntry current) {
        return !chain.broken() && chain.version() == current.version() && chain.deltaCount() < MAX_DELTAS;
    }

    /** The current record for a save: the one written last when it is still kept, else from the files. */
    private StoredSession readForSave(String id, IndexEntry entry) {
        StoredSession kept = recent.get(id, entry.version());
        return kept != null ? kept : read(id, entry);
    }

    /**
     * The record of the chain {@code entry} describes, or {@code null} if its base turns out corrupt
     * (then moved aside) or gone. A chain cut short by a bad delta is indexed at the version reached.
     */
    private StoredSession read(String id, IndexEntry entry) {
        ChainReader.Chain chain;
        try {
            chain = ChainReader.read(directory, id, entry, logPrefix);
        } catch (IOException e) {
            throw new SessionStoreException(NAME, id, "cannot read the session's files in " + directory.path() + ": "
                    + e + "; check that they are readable by the server's user", e);
        }
        if (chain == null) {
            index.remove(id);
            recent.remove(id);
            return null;
        }
        if (chain.entry() != entry) {
            index.put(id, chain.entry());
            recent.remove(id);
        }
        return chain.record();
    }

    /**
     * A kept record as a caller may have it: fresh arrays, and the times as the index holds them
     * (a touch changes the last access time after the record was kept). Copying memory is much
     * cheaper than reading a base and its deltas back.
     */
    private static StoredSession copyOf(StoredSession kept, IndexEntry entry) {
        Map<String, byte[]> attributes = new HashMap<>(kept.attributes().size() * 2);
        kept.attributes().forEach((name, value) -> attributes.put(name, value.clone()));
        return new StoredSession(kept.id(), entry.version(), entry.creationTime(), entry.lastAccessedTime(),
                entry.maxInactiveInterval(), attributes);
    }

    private void write(String id, Path file, byte[] bytes) {
        try {
            directory.writeNew(file, bytes);
        } catch (IOException e) {
            throw new SessionStoreException(NAME, id, "cannot write " + file + ": " + e
                    + "; check free space and permissions of " + directory.path(), e);
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
