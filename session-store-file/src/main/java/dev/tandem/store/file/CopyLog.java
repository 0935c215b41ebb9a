package dev.tandem.store.file;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The session log of a cluster server's disk copy (the cluster store's {@code DiskCopy}): the
 * file store's log, segments, framing, compaction, hint files and group commit, with record types
 * of its own. A copy's record carries the version the cluster gave it, not one the log numbers, and
 * the highest version of it known acknowledged; a removal is the log's tombstone with its time; and
 * the notices of writes a peer missed are records keyed by the peer's name. Same threading and
 * crash rules as the file store ({@code package-info.java}): with {@code fsync} a change is on disk
 * when its method returns, without it a killed process loses nothing, a power loss what the page
 * cache held.
 */
public final class CopyLog implements AutoCloseable {
    /**
     * What a peer has not been told: the sessions written or removed here while it was out of
     * reach, and whether it must check every session instead.
     */
    public record Notices(Set<String> ids, boolean all) {
        public boolean isEmpty() {
            return ids.isEmpty() && !all;
        }
    }

    private final FileStore store;

    CopyLog(FileStore store) {
        this.store = store;
    }

    /** For tests: the store underneath, to compact by hand. */
    FileStore store() {
        return store;
    }

    /**
     * Opens the log under the context's {@code path} (and {@code fsync}, {@code segment-size}), in
     * {@code <path>/<webApp>} as the file store; removals are refused saves for the context's session
     * timeout at least.
     */
    public static CopyLog open(StoreContext context) {
        return new CopyLog(FileStore.open(FileStoreConfig.from(context), context, true));
    }

    /**
     * Opens the file store the context names, hands each session it holds to {@code each} and
     * closes it: how a cluster server reads the stores its disk copy was kept in before this log.
     */
    public static void readFileStore(StoreContext context, Consumer<StoredSession> each) {
        FileStoreConfig config = FileStoreConfig.from(context);
        FileStore old = FileStore.open(new FileStoreConfig(config.directory(), false, config.segmentSize(), false),
                context);
        try {
            for (String id : old.ids()) {
                StoredSession session = old.load(id);
                if (session != null) {
                    each.accept(session);
                }
            }
        } finally {
            old.close();
        }
    }

    /** The copy at its cluster version; {@code null} if there is none. */
    public StoredSession load(String id) {
        return store.load(id);
    }

    /** The cluster version of the copy; 0 if there is none. From memory. */
    public long version(String id) {
        return store.version(id);
    }

    /** The highest version of the copy known acknowledged, at most its version; 0 if there is none. */
    public long confirmedVersion(String id) {
        return store.confirmedVersion(id);
    }

    /**
     * Applies {@code change} to the copy and labels the result {@code version}, of which versions
     * up to {@code confirmed} are acknowledged.
     *
     * @throws SessionRemovedException if the id was removed and its tombstone still stands
     */
    public void save(SessionChange change, long version, long confirmed) {
        store.saveCopy(change, version, confirmed);
    }

    /** Replaces the copy by {@code record}, at the record's version. */
    public void replace(StoredSession record, long confirmed) {
        store.replaceCopy(record, confirmed);
    }

    public void touch(String id, long lastAccessedTime) {
        store.touch(id, lastAccessedTime);
    }

    /** Deletes the copy and leaves a tombstone until the later of the session's timeout and {@code until} (epoch ms). */
    public void remove(String id, long until) {
        store.remove(id, until);
    }

    /** Until when saves of {@code id} are refused (epoch ms); 0 if it was not removed, or that time is past. */
    public long removedUntil(String id) {
        return store.removedUntil(id);
    }

    /** Drops expired copies and tombstones past their time; returns the ids of the copies dropped. */
    public List<String> sweepExpired(long now) {
        return store.sweepExpired(now);
    }

    public Notices notices(String peer) {
        return store.notices(peer);
    }

    /** The peers that have notices. */
    public Set<String> peersWithNotices() {
        return store.peersWithNotices();
    }

    /** Adds to {@code peer}'s notices: these sessions, and with {@code all}, "check every session". */
    public void keepNotices(String peer, Set<String> ids, boolean all) {
        store.changeNotices(peer, LogRecord.KEEP, all, ids);
    }

    /** Takes from {@code peer}'s notices: these sessions, and with {@code all}, "check every session". */
    public void dropNotices(String peer, Set<String> ids, boolean all) {
        store.changeNotices(peer, LogRecord.DROP, all, ids);
    }

    /** Forces every record appended so far to disk, with or without fsync. */
    public void force() {
        store.forceNow();
    }

    @Override
    public void close() {
        store.close();
    }
}
