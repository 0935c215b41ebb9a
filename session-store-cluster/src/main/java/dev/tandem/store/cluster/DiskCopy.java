package dev.tandem.store.cluster;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.StoredSession;
import java.util.List;
import java.util.Set;

/**
 * This server's disk copy of the sessions it owns or backs up, the removals it made and the
 * notices of writes its peers missed ({@link MissedWrites}). The session log in production
 * ({@link LogCopy}), memory in the simulator.
 *
 * <p><b>Versions.</b> A copy is held at its <em>cluster</em> version: the number the owner gave
 * it, so both copies of a session carry the same number and the newer can be told. It may jump,
 * and go back when a peer's copy replaces unacknowledged saves of this server's. With it goes the
 * highest version of the copy known acknowledged (by a backup, or with no peer up by this disk
 * alone); versions above it may never have been. A copy whose every version is acknowledged
 * reports its own version.
 *
 * <p><b>Removals.</b> A removal deletes the copy and leaves a tombstone until the later of
 * {@code now + tombstone time} and the session's own timeout: until then a write of the id is
 * refused ({@link SessionRemovedException}) and a peer that asks learns the session was
 * invalidated, so an old copy never brings it back.
 *
 * <p><b>Crashes.</b> What a method changed has been written when it returns, and survives a
 * killed process; a machine crash or power loss may lose the last writes unless the disk forces
 * them (the file store's {@code fsync}). Nothing else is promised across a crash.
 *
 * <p>Thread-safe: calls for different ids proceed in parallel.
 */
interface DiskCopy {
    /** What {@code peer} has not been told: the sessions written or removed here, or "check every session". */
    record Notices(Set<String> ids, boolean all) {
        static final Notices NONE = new Notices(Set.of(), false);

        boolean isEmpty() {
            return ids.isEmpty() && !all;
        }
    }

    /** The copy at its cluster version; null if none. */
    StoredSession read(String id);

    /** The cluster version of the copy, 0 if none. */
    long version(String id);

    /** The highest version of the copy known acknowledged (its version unless an owner's save left it lower); 0 if none. */
    long confirmedVersion(String id);

    /**
     * Applies a delta to the copy and labels the result {@code version}, of which the versions up to
     * {@code confirmed} are known acknowledged (all of them if it is at least {@code version}).
     */
    void apply(SessionChange change, long version, long confirmed);

    /** Marks the whole copy acknowledged if it is still at {@code version}. */
    void confirm(String id, long version);

    /** Replaces the copy by {@code record}, at the record's version, all of it acknowledged. */
    void write(StoredSession record);

    void touch(String id, long lastAccessedTime);

    /** Deletes the copy and leaves its tombstone. */
    void remove(String id);

    /** Whether the session was removed here and its tombstone still stands. */
    default boolean isRemoved(String id) {
        return removedUntil(id) > 0;
    }

    /** Until when (epoch ms) the session's tombstone stands; 0 if it was not removed, or that time is past. */
    long removedUntil(String id);

    /** Drops expired copies and tombstones past their time; returns the ids of the copies dropped. */
    List<String> sweepExpired(long now);

    /** What {@code peer} has not been told, as kept here. */
    Notices notices(String peer);

    /** Adds to {@code peer}'s notices: these sessions, and with {@code all}, "check every session". */
    void keepNotices(String peer, Set<String> ids, boolean all);

    /** Takes from {@code peer}'s notices, once it acknowledged them: these sessions, and with {@code all}, "check all". */
    void dropNotices(String peer, Set<String> ids, boolean all);

    void close();
}
