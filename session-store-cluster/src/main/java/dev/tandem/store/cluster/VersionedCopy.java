package dev.tandem.store.cluster;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoredSession;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This server's disk copy of the sessions it owns or backs up, holding each record at the
 * <em>cluster</em> version: the version the owner gave it, so that both copies of a session carry
 * the same number and the newer one can be told. A {@link SessionStore} numbers its own saves, so
 * the cluster version rides in a reserved attribute that is hidden from callers; any store
 * (the file store in production, a memory store in a simulator) can be the disk copy.
 *
 * <p>Removals are recorded in a second store as empty records that expire after the tombstone
 * time, because a store's own tombstone cannot be asked about: a peer that recovers a session
 * must learn that it was invalidated, so that an old copy never brings it back.
 *
 * <p>A third store keeps the {@link MissedWrites} notices for peers, so that a restart does not
 * forget them; this class only sweeps and closes it with the others.
 */
final class VersionedCopy {
    /** Starts with NUL, which no servlet attribute name a person writes contains. */
    static final String VERSION_ATTRIBUTE = "\u0000tandem.cluster-version";
    /**
     * On a record this server wrote as acting owner, in the same disk write: the highest version of
     * the session it knew acknowledged then (by a backup, or with no peer up by this disk alone);
     * the versions above it may never have been. Absent when the whole record is acknowledged: any
     * write that is not an owner's save (a backup's copy, a copy taken from a peer) drops it, and so
     * does a save acknowledged with no backup. It is not cleared when a backup acknowledges (that
     * would cost a second disk write per save): that backup shows the version to anyone who asks.
     */
    static final String CONFIRMED_ATTRIBUTE = "\u0000tandem.cluster-confirmed";

    private final SessionStore disk;
    private final SessionStore removals;
    private final SessionStore notices;
    private final Clock clock;
    private final Duration tombstoneTime;
    /**
     * Id → {disk version, cluster version} of the record last read or written here. A disk version
     * is never given twice for an id, so while the disk still reports it the cluster version holds,
     * and a save need not read and decode the whole record to learn it. Anything else reads.
     */
    private final Map<String, long[]> knownVersions = new ConcurrentHashMap<>();

    VersionedCopy(SessionStore disk, SessionStore removals, SessionStore notices, Clock clock, Duration tombstoneTime) {
        this.disk = disk;
        this.removals = removals;
        this.notices = notices;
        this.clock = clock;
        this.tombstoneTime = tombstoneTime;
    }

    /** Where {@link MissedWrites} keeps what peers have not been told yet. */
    SessionStore notices() {
        return notices;
    }

    /** The record at its cluster version, without the reserved attribute; null if none. */
    StoredSession read(String id) {
        StoredSession stored = disk.load(id);
        if (stored == null) {
            return null;
        }
        Map<String, byte[]> attributes = new HashMap<>(stored.attributes());
        byte[] version = attributes.remove(VERSION_ATTRIBUTE);
        attributes.remove(CONFIRMED_ATTRIBUTE);
        long clusterVersion = version == null ? stored.version() : ByteBuffer.wrap(version).getLong();
        knownVersions.put(id, new long[] {stored.version(), clusterVersion});
        return new StoredSession(id, clusterVersion, stored.creationTime(), stored.lastAccessedTime(),
                stored.maxInactiveInterval(), attributes);
    }

    /** The cluster version of the copy, 0 if none. */
    long version(String id) {
        long[] known = knownVersions.get(id);
        if (known != null && known[0] == disk.version(id)) {
            return known[1];
        }
        // The disk copy knows only its own numbers: the cluster's is inside the record.
        StoredSession s = read(id);
        return s == null ? 0 : s.version();
    }

    /**
     * Applies a delta and labels the result {@code version}, of which the versions up to
     * {@code confirmed} are known acknowledged ({@link #CONFIRMED_ATTRIBUTE}; all of them if it is
     * at least {@code version}).
     */
    void apply(SessionChange change, long version, long confirmed) {
        Map<String, byte[]> changed = new HashMap<>(change.changed());
        changed.put(VERSION_ATTRIBUTE, encode(version));
        Set<String> removed = new HashSet<>(change.removed());
        if (confirmed < version) {
            changed.put(CONFIRMED_ATTRIBUTE, encode(confirmed));
        } else {
            removed.add(CONFIRMED_ATTRIBUTE);
        }
        long diskVersion = disk.save(new SessionChange(change.id(), change.creationTime(), change.lastAccessedTime(),
                change.maxInactiveInterval(), changed, removed));
        knownVersions.put(change.id(), new long[] {diskVersion, version});
    }

    /** The highest version of the copy known acknowledged (its version unless an owner's save left it lower); 0 if none. */
    long confirmedVersion(String id) {
        StoredSession stored = disk.load(id);
        if (stored == null) {
            return 0;
        }
        byte[] confirmed = stored.attributes().get(CONFIRMED_ATTRIBUTE);
        return confirmed != null ? ByteBuffer.wrap(confirmed).getLong() : read(id).version();
    }

    /** Marks the whole copy acknowledged if it is still at {@code version}. */
    void confirm(String id, long version) {
        StoredSession s = read(id);
        if (s != null && s.version() == version && confirmedVersion(id) < version) {
            write(s);
        }
    }

    /** Replaces the copy by {@code record}, at the record's version, all of it acknowledged. */
    void write(StoredSession record) {
        StoredSession existing = disk.load(record.id());
        Set<String> removed = new HashSet<>();
        if (existing != null) {
            removed.addAll(existing.attributes().keySet());
            removed.removeAll(record.attributes().keySet());
            removed.remove(VERSION_ATTRIBUTE);
        }
        Map<String, byte[]> changed = new HashMap<>(record.attributes());
        changed.put(VERSION_ATTRIBUTE, encode(record.version()));
        long diskVersion = disk.save(new SessionChange(record.id(), record.creationTime(), record.lastAccessedTime(),
                record.maxInactiveInterval(), changed, removed));
        knownVersions.put(record.id(), new long[] {diskVersion, record.version()});
    }

    void touch(String id, long lastAccessedTime) {
        disk.touch(id, lastAccessedTime);
    }

    /** Deletes the copy, leaves the disk copy's tombstone, and records the removal for peers that ask. */
    void remove(String id) {
        StoredSession existing = disk.load(id);
        disk.remove(id);
        knownVersions.remove(id);
        long seconds = Math.max(tombstoneTime.toSeconds(), existing == null ? 0 : existing.maxInactiveInterval());
        long now = clock.millis();
        removals.save(new SessionChange(id, now, now, (int) Math.min(Integer.MAX_VALUE, Math.max(1, seconds)),
                Map.of(), Set.of()));
    }

    /** Whether the session was invalidated here within the tombstone time. */
    boolean isRemoved(String id) {
        return removals.version(id) > 0;
    }

    List<String> sweepExpired(long now) {
        removals.sweepExpired(now);
        notices.sweepExpired(now); // only records whose notices were all delivered expire
        List<String> expired = disk.sweepExpired(now);
        expired.forEach(knownVersions::remove);
        return expired;
    }

    void close() {
        try {
            disk.close();
        } finally {
            try {
                removals.close();
            } finally {
                notices.close();
            }
        }
    }

    private static byte[] encode(long version) {
        return ByteBuffer.allocate(8).putLong(version).array();
    }
}
