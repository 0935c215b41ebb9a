package dev.tandem.store.file;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreException;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in one append-only log per store directory ({@link SessionLog}; the protocol is in
 * {@code package-info.java}). A session's first save, and every save after a chain grew long,
 * appends its whole record (a base); the saves in between append only what they changed (a delta,
 * pointing back to the record before it), so a large session with one changed attribute costs one
 * attribute's bytes. A touch appends the new access time, a remove a tombstone. An in-memory index
 * of versions, times and where each chain stands answers {@code version()}, expiry and sweeps
 * without reading the log; a load reads the chain by position, or copies the record kept from the
 * last save. In the background, {@link Compaction} rewrites sealed segments that are mostly dead.
 *
 * <p>All operations on one id hold that id's stripe lock; different ids proceed in parallel, their
 * appends too.
 */
final class FileStore implements SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    private static final String NAME = "file";
    /** Deltas on one base before a save writes a new base: bounds the records a load reads. */
    static final int MAX_DELTAS = 32;
    /** How often the background task looks for a segment to compact. */
    private static final long MAINTENANCE_MILLIS = 1_000;

    private final SessionDirectory directory;
    private final SessionLog log;
    private final boolean fsync;
    private final Clock clock;
    private final long sessionTimeoutMillis;
    private final String logPrefix;
    private final Map<String, IndexEntry> index;
    /** Removed id → epoch millis until which a save of it is refused; each also a tombstone record. */
    private final Map<String, Long> tombstones;
    /** The cluster's notices ({@link CopyLog}); none in a file store's log. */
    private final NoticeIndex notices;
    /** A cluster server's disk copy ({@link CopyLog}): its bases and deltas are copies, at the cluster's versions. */
    private final boolean copies;
    private final StripedLocks locks = new StripedLocks(1024);
    private final RecentRecords recent = new RecentRecords(1024);
    private final Compaction compaction;
    private final ScheduledExecutorService scheduler;
    /** A compaction run is queued on the scheduler already: a burst of rolls queues one. */
    private final java.util.concurrent.atomic.AtomicBoolean compactionQueued =
            new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;

    private FileStore(SessionDirectory directory, SessionLog log, FileStoreConfig config, StoreContext context,
                      String logPrefix, LogScan scan, boolean copies) {
        this.directory = directory;
        this.copies = copies;
        this.notices = scan.notices;
        this.log = log;
        this.fsync = config.fsync();
        this.clock = context.clock();
        this.sessionTimeoutMillis = context.sessionTimeout().toMillis();
        this.logPrefix = logPrefix;
        this.index = scan.sessions;
        this.tombstones = scan.tombstones;
        this.compaction = new Compaction(this, log, logPrefix, config.fsync());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tandem-file-log" + logPrefix);
            thread.setDaemon(true);
            return thread;
        });
    }

    static FileStore open(FileStoreConfig config, StoreContext context) {
        return open(config, context, false);
    }

    /** With {@code copies}, the log of a cluster server's disk copy ({@link CopyLog}). */
    static FileStore open(FileStoreConfig config, StoreContext context, boolean copies) {
        String logPrefix = "[" + context.webApp() + "]";
        long started = System.nanoTime();
        SessionDirectory directory = SessionDirectory.open(config, logPrefix);
        SessionLog log = null;
        try {
            log = SessionLog.open(directory, config.segmentSize(), logPrefix);
            long now = context.clock().millis();
            LogScan scan = LogScan.run(log, directory, logPrefix, now);
            log.startHead();
            Migration.Result migrated = Migration.run(directory, log, scan, logPrefix, now);
            FileStore store = new FileStore(directory, log, config, context, logPrefix, scan, copies);
            LOG.info("{} {} at {} (fsync={}, segment-size={}): {} sessions and {} tombstones indexed from "
                            + "{} records in {} segments ({} from hint files) in {} ms; {} expired left out, {} damaged "
                            + "regions skipped{}",
                    logPrefix, copies ? "cluster disk copy" : "file store", directory.path(), config.fsync(),
                    config.segmentSize(), scan.sessions.size(),
                    scan.tombstones.size(), scan.records, log.segments().size(), scan.hinted,
                    (System.nanoTime() - started) / 1_000_000, scan.expired, scan.damaged, migrated.describe());
            if (config.compactInBackground()) {
                store.scheduler.scheduleWithFixedDelay(store::maintain, MAINTENANCE_MILLIS, MAINTENANCE_MILLIS,
                        TimeUnit.MILLISECONDS);
                // Under sustained saves the log grows a segment at a time: look for work at each, not only each second.
                log.onRoll(store::compactSoon);
            }
            return store;
        } catch (IOException e) {
            closeQuietly(log, directory);
            throw new IllegalStateException("cannot start the session log in " + directory.path() + ": " + e
                    + "; check free space and permissions", e);
        } catch (RuntimeException | Error e) {
            closeQuietly(log, directory);
            throw e;
        }
    }

    private static void closeQuietly(SessionLog log, SessionDirectory directory) {
        if (log != null) {
            log.close();
        }
        directory.close();
    }

    @Override
    public StoredSession load(String id) {
        SessionId.requireWellFormed(id);
        ReentrantLock lock = locks.forId(id);
        lock.lock();
        try {
            checkOpen(id);
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
        return write(change, null, false, 0, 0);
    }

    /**
     * A copy's save ({@link CopyLog}): {@code change} applied to the copy and labelled
     * {@code version}, the cluster's number, as a copy delta when it is the next version of the
     * chain, else as a copy.
     */
    void saveCopy(SessionChange change, long version, long confirmed) {
        write(change, null, true, version, confirmed);
    }

    /** A copy's whole record at its version, as a copy ({@link CopyLog}). */
    void replaceCopy(StoredSession record, long confirmed) {
        write(null, record, true, record.version(), confirmed);
    }

    /**
     * Appends a save: {@code change} on the current record, or the {@code whole} record. A file
     * store's save numbers its versions; a copy's carries the cluster's {@code label}.
     */
    private long write(SessionChange change, StoredSession whole, boolean copy, long label, long confirmed) {
        String id = SessionId.requireWellFormed(whole != null ? whole.id() : change.id());
        ReentrantLock lock = locks.forId(id);
        lock.lock();
        try {
            checkOpen(id);
            refuseIfRemoved(id);
            IndexEntry current = index.get(id);
            StoredSession previous = current == null || whole != null ? null : readForSave(id, current);
            // After a damaged record or lost deltas the version still goes up: a version is never given twice.
            long version = copy ? label : current == null ? 1 : current.nextVersion();
            StoredSession next;
            Map<String, byte[]> changed = null;
            if (whole != null) {
                // The store's own copies of the values: the record is kept for the next save.
                Map<String, byte[]> attributes = new HashMap<>(whole.attributes().size() * 2);
                whole.attributes().forEach((name, value) -> attributes.put(name, value.clone()));
                next = new StoredSession(id, version, whole.creationTime(), whole.lastAccessedTime(),
                        whole.maxInactiveInterval(), attributes);
            } else {
                Map<String, byte[]> values = new HashMap<>(change.changed().size() * 2);
                change.changed().forEach((name, value) -> values.put(name, value.clone()));
                next = new SessionChange(id, change.creationTime(), change.lastAccessedTime(),
                        change.maxInactiveInterval(), values, change.removed()).applyTo(previous, version);
                changed = values;
            }
            // The chain as the read left it: a read that found a damaged delta cut it short.
            IndexEntry chain = whole != null ? current : previous == null ? null : index.get(id);
            // A delta only as the next version of an intact chain: a copy's versions may jump, or go back.
            byte[] delta = changed != null && chain != null && !chain.broken() && chain.version() == current.version()
                    && chain.deltaCount() < MAX_DELTAS && version == chain.version() + 1
                    ? copy ? LogRecord.copyDelta(next, chain.baseVersion(), chain.tipPosition(), changed,
                            change.removed(), confirmed)
                    : LogRecord.delta(next, chain.baseVersion(), chain.tipPosition(), changed, change.removed())
                    : null;
            IndexEntry entry;
            // Deltas past half the base would cost more to write and read than a new base.
            if (delta != null && (long) chain.deltaBytes() + delta.length <= chain.baseLength() / 2) {
                long position = append(id, delta);
                entry = chain.plusDelta(version, next.creationTime(), next.lastAccessedTime(),
                        next.maxInactiveInterval(), position, delta.length);
                // A chain's deltas are counted in the segment of its newest: they move along with it.
                log.live(chain.tipPosition(), -chain.deltaBytes());
                log.live(position, entry.deltaBytes());
            } else {
                byte[] base = copy ? LogRecord.copy(next, confirmed) : LogRecord.base(next);
                long position = append(id, base);
                entry = IndexEntry.ofBase(version, next.creationTime(), next.lastAccessedTime(),
                        next.maxInactiveInterval(), position, base.length);
                log.live(position, base.length);
                if (chain != null) {
                    dead(chain);
                }
            }
            force(id);
            index.put(id, entry);
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
            // Not forced, even with fsync: a lost touch makes a session look idle a little longer.
            append(id, LogRecord.touch(id, entry.version(), lastAccessedTime));
            index.put(id, entry.withLastAccessedTime(lastAccessedTime));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void remove(String id) {
        remove(id, Long.MIN_VALUE);
    }

    /** Removes {@code id} and refuses its saves at least until {@code atLeastUntil} (epoch ms), if that is later. */
    void remove(String id, long atLeastUntil) {
        SessionId.requireWellFormed(id);
        ReentrantLock lock = locks.forId(id);
        lock.lock();
        try {
            checkOpen(id);
            IndexEntry entry = index.get(id);
            long interval = entry == null ? 0 : entry.maxInactiveInterval() * 1000L;
            long until = Math.max(Math.max(clock.millis() + Math.max(interval, sessionTimeoutMillis), atLeastUntil),
                    tombstones.getOrDefault(id, Long.MIN_VALUE));
            append(id, LogRecord.tombstone(id, until));
            force(id);
            tombstones.put(id, until);
            if (entry != null) {
                index.remove(id);
                recent.remove(id);
                dead(entry);
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
                if (entry != null && entry.isExpiredAt(now) && !closed) {
                    dropped(id, entry);
                    deleted.add(id);
                }
            } catch (SessionStoreException e) {
                LOG.warn("{} {}; the session is swept again on the next round", logPrefix, e.getMessage());
            } finally {
                lock.unlock();
            }
        }
        // A tombstone past its time refuses nothing more; its record drops out at compaction.
        tombstones.values().removeIf(until -> until < now);
        return deleted;
    }

    /**
     * Drops a session from the index and marks the end of its records in the log with a tombstone
     * that refuses nothing (its time is past): without it, the records still in older segments would
     * outrank a later first save of the same id at the next start (invariant 2).
     */
    private void dropped(String id, IndexEntry entry) {
        append(id, LogRecord.tombstone(id, 0));
        index.remove(id);
        recent.remove(id);
        dead(entry);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            scheduler.shutdownNow();
            try {
                if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("{} compaction did not stop within 10 s; closing the log under it", logPrefix);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                log.dropEmptyHead();
                // The head too: the next start reads hints for every segment this store wrote.
                writeHints(true);
            } catch (IOException | RuntimeException e) {
                LOG.warn("{} cannot write the log's hint files: {}; the next start reads the segments", logPrefix,
                        e.toString());
            }
            log.close();
            directory.close();
        }
    }

    /**
     * The background task: compacts while segments are due, for up to {@value #MAINTENANCE_MILLIS} ms
     * (under sustained saves the log must shrink as fast as it grows). Catches everything, so the
     * schedule never dies.
     */
    private void maintain() {
        try {
            long until = System.nanoTime() + MAINTENANCE_MILLIS * 1_000_000;
            while (!closed && compaction.runOnce(clock.millis()) && System.nanoTime() < until) {
                // the next batch
            }
            writeHints(false);
        } catch (Throwable e) {
            if (closed) {
                LOG.debug("{} compaction stopped by close: {}", logPrefix, e.toString());
            } else {
                LOG.warn("{} session log compaction failed: {}; it is tried again in {} ms", logPrefix, e.toString(),
                        MAINTENANCE_MILLIS, e);
            }
        }
    }

    /**
     * Writes the hint file of every sealed segment that has none; with {@code head}, of the head too,
     * once the writes in flight in it have returned (the store is closed, so no new one starts).
     */
    private void writeHints(boolean head) throws IOException {
        for (Segment segment : log.segments()) {
            if (segment.hinted || segment.size() == 0) {
                continue;
            }
            if (segment.sealed() || (head && segment.writing.get() == 0)) {
                Hints.write(directory, segment, logPrefix);
            }
        }
    }

    /** Queues a compaction run on the scheduler, unless one is queued already; called under the log's monitor. */
    private void compactSoon() {
        if (!closed && compactionQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    compactionQueued.set(false);
                    maintain();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                compactionQueued.set(false); // closing
            }
        }
    }

    /** Compacts every segment due now, on the caller's thread; for tests and benchmarks. */
    int compactNow() throws IOException {
        int compacted = 0;
        while (compaction.runOnce(clock.millis())) {
            compacted++;
        }
        return compacted;
    }

    SessionLog log() {
        return log;
    }

    /**
     * Called by compaction for each id with records in the {@code victims}, before they are deleted:
     * whatever of them the index still needs is appended at the head, under the id's lock, so a save
     * of the same id waits and then appends after it (invariant 4).
     *
     * @param touched a touch of the id is in a victim
     * @param hiding a tombstone of the id is in a victim after a segment that is kept, so it may still
     *     have to hide records of the id there
     * @return the position of the copy appended, or -1 if nothing was
     */
    long moveOut(String id, java.util.Set<Integer> victims, boolean touched, boolean hiding, long now)
            throws IOException {
        ReentrantLock lock = locks.forId(id);
        lock.lock();
        try {
            if (closed) {
                throw new IOException("the store is closed");
            }
            IndexEntry entry = index.get(id);
            if (entry != null) {
                if (reaches(entry, victims)) {
                    StoredSession record = readForSave(id, entry);
                    IndexEntry chain = index.get(id);
                    if (record == null || chain == null) {
                        return -1; // its base was damaged: dropped from the index by the read
                    }
                    // A fresh base at the head: no back pointer into the victim survives.
                    StoredSession whole = new StoredSession(id, chain.version(), chain.creationTime(),
                            chain.lastAccessedTime(), chain.maxInactiveInterval(), record.attributes());
                    byte[] base = copies ? LogRecord.copy(whole, confirmedOf(chain)) : LogRecord.base(whole);
                    long position = log.append(base);
                    log.live(position, base.length);
                    dead(chain);
                    IndexEntry moved = IndexEntry.ofBase(chain.version(), chain.creationTime(),
                            chain.lastAccessedTime(), chain.maxInactiveInterval(), position, base.length);
                    index.put(id, chain.broken() ? moved.withLost(chain.nextVersion() - 1) : moved);
                    return position;
                }
                return touched ? log.append(LogRecord.touch(id, entry.version(), entry.lastAccessedTime())) : -1;
            }
            Long until = tombstones.get(id);
            if (until != null && until >= now) {
                return log.append(LogRecord.tombstone(id, until));
            }
            // Past its time, but records of the id may lie in older segments: it must still hide them.
            return hiding ? log.append(LogRecord.tombstone(id, 0)) : -1;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Called by compaction for each peer with notices records in the victims: appends the peer's
     * notices whole at the head if it has any, or, with {@code hiding}, an empty replace that hides
     * the peer's records in older segments. Returns the position of the copy, or -1.
     */
    long moveNotices(String peer, boolean hiding) throws IOException {
        synchronized (notices) {
            if (closed) {
                throw new IOException("the store is closed");
            }
            CopyLog.Notices now = notices.get(peer);
            if (now.isEmpty() && !hiding) {
                return -1;
            }
            return log.append(LogRecord.notices(peer, LogRecord.REPLACE, now.all(), now.ids()));
        }
    }

    // ---- the cluster's disk copy (CopyLog)

    /** The highest version of the copy of {@code id} known acknowledged; 0 if there is none. */
    long confirmedVersion(String id) {
        SessionId.requireWellFormed(id);
        ReentrantLock lock = locks.forId(id);
        lock.lock();
        try {
            checkOpen(id);
            IndexEntry entry = index.get(id);
            if (entry == null) {
                return 0;
            }
            return confirmedOf(entry);
        } catch (IOException e) {
            throw new SessionStoreException(NAME, id, "cannot read the session log in " + directory.path() + ": "
                    + e + "; check that its files are readable by the server's user", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The acknowledged version that the newest record of the chain carries, read from the log (one
     * record: a copy's saves are acknowledged by peers far more often than this is asked). A chain
     * whose newest record cannot be read is read whole, which cuts it short or drops it.
     */
    private long confirmedOf(IndexEntry entry) throws IOException {
        ByteBuffer tip = log.readRecord(entry.tipPosition(), entry.deltaCount() > 0 ? 1024 : entry.baseLength());
        if (tip != null && LogRecord.version(tip, 0) == entry.version()) {
            return Math.min(entry.version(), LogRecord.confirmed(tip, 0));
        }
        return 0; // damaged since start-up: nothing of it can be shown acknowledged
    }

    /** Until when saves of {@code id} are refused (epoch ms), or 0 if it was not removed or that time is past. */
    long removedUntil(String id) {
        Long until = tombstones.get(SessionId.requireWellFormed(id));
        return until == null || until < clock.millis() ? 0 : until;
    }

    CopyLog.Notices notices(String peer) {
        return notices.get(peer);
    }

    Set<String> peersWithNotices() {
        return notices.peers();
    }

    /** Appends and applies a change of {@code peer}'s notices ({@link LogRecord#KEEP} or {@link LogRecord#DROP}). */
    void changeNotices(String peer, long op, boolean all, java.util.Collection<String> ids) {
        byte[] record = LogRecord.notices(peer, op, all, ids);
        synchronized (notices) {
            checkOpen(null);
            append(null, record);
            force(null);
            notices.apply(peer, op, all, ids);
        }
    }

    /** The ids of the sessions the index holds now. */
    Set<String> ids() {
        return new java.util.TreeSet<>(index.keySet());
    }

    /** Forces what was appended so far, with or without fsync: before the only other copy of it is deleted. */
    void forceNow() {
        try {
            log.force();
        } catch (IOException e) {
            throw new SessionStoreException(NAME, null, "cannot force the session log in " + directory.path()
                    + " to disk: " + e, e);
        }
    }

    /** Whether the chain of {@code entry} has a record in one of the {@code victims}, as far as the index can tell. */
    private static boolean reaches(IndexEntry entry, java.util.Set<Integer> victims) {
        for (int number = Segment.segmentOf(entry.basePosition()); number <= Segment.segmentOf(entry.tipPosition());
                number++) {
            if (victims.contains(number)) {
                return true;
            }
        }
        return false;
    }

    /** Counts the bytes of a chain that the index no longer needs as dead in their segments. */
    private void dead(IndexEntry chain) {
        log.live(chain.basePosition(), -chain.baseLength());
        // An estimate: a chain's deltas are counted in the segment of its newest one.
        log.live(chain.tipPosition(), -chain.deltaBytes());
    }

    /** The current record for a save: the one written last when it is still kept, else from the log. */
    private StoredSession readForSave(String id, IndexEntry entry) {
        StoredSession kept = recent.get(id, entry.version());
        return kept != null ? kept : read(id, entry);
    }

    /**
     * The record of the chain {@code entry} describes, or {@code null} if its base turns out damaged
     * or gone. A chain cut short by a damaged delta is indexed at the version reached.
     */
    private StoredSession read(String id, IndexEntry entry) {
        ChainReader.Chain chain;
        try {
            chain = ChainReader.read(log, id, entry, logPrefix);
        } catch (IOException e) {
            throw new SessionStoreException(NAME, id, "cannot read the session log in " + directory.path() + ": "
                    + e + "; check that its files are readable by the server's user", e);
        }
        if (chain == null) {
            dropped(id, entry);
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
     * cheaper than reading a chain back.
     */
    private static StoredSession copyOf(StoredSession kept, IndexEntry entry) {
        Map<String, byte[]> attributes = new HashMap<>(kept.attributes().size() * 2);
        kept.attributes().forEach((name, value) -> attributes.put(name, value.clone()));
        return new StoredSession(kept.id(), entry.version(), entry.creationTime(), entry.lastAccessedTime(),
                entry.maxInactiveInterval(), attributes);
    }

    private long append(String id, byte[] record) {
        try {
            return log.append(record);
        } catch (IOException e) {
            throw new SessionStoreException(NAME, id, "cannot append to the session log in " + directory.path()
                    + ": " + e + "; check free space and permissions", e);
        }
    }

    /** With fsync, returns once the appends so far are on disk (group commit: see {@link GroupCommit}). */
    private void force(String id) {
        if (!fsync) {
            return;
        }
        try {
            log.force();
        } catch (IOException e) {
            throw new SessionStoreException(NAME, id, "cannot force the session log in " + directory.path()
                    + " to disk: " + e + "; the save may be lost on a power failure", e);
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
    }

    private void checkOpen(String id) {
        if (closed) {
            throw new SessionStoreException(NAME, id, "the file store of " + logPrefix + " at " + directory.path()
                    + " is closed; the web-app is stopping", null);
        }
    }
}
