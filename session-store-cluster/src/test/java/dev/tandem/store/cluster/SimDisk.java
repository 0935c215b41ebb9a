package dev.tandem.store.cluster;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.StoredSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One server's disk in the simulator: its {@link DiskCopy} (copies at their cluster versions,
 * tombstones, and the notices of writes peers missed) survives a killed process, as the session
 * log's files do. Like the log without fsync, the last write sits in the page cache: a machine
 * crash ({@link #dropLastWrite}) loses it, a killed process does not. Sorted maps keep every
 * iteration in a fixed order.
 */
final class SimDisk implements DiskCopy {
    /** A copy and the highest version of it known acknowledged. */
    private record Copy(StoredSession record, long confirmed) {}

    private final Clock clock;
    private final long tombstoneMillis;
    private final TreeMap<String, Copy> copies = new TreeMap<>();
    private final TreeMap<String, Long> tombstones = new TreeMap<>();
    private final TreeMap<String, Notices> notices = new TreeMap<>();
    /** Puts back what the last write replaced; null once nothing is unsynced. */
    private Runnable undoLastWrite;

    SimDisk(Clock clock, long tombstoneMillis) {
        this.clock = clock;
        this.tombstoneMillis = tombstoneMillis;
    }

    /** A machine crash: the last write never reached the disk. Returns whether there was one. */
    boolean dropLastWrite() {
        if (undoLastWrite == null) {
            return false;
        }
        undoLastWrite.run();
        undoLastWrite = null;
        return true;
    }

    /** Sessions, tombstones and peers with notices on the disk: what the simulation expects gone in the end. */
    int records() {
        return copies.size() + tombstones.size() + notices.size();
    }

    String describe() {
        return copies.size() + " sessions, " + tombstones.size() + " tombstones and " + notices.size()
                + " peers' missed-writes notices";
    }

    private void remember(String id) {
        Copy before = copies.get(id);
        Long tombstone = tombstones.get(id);
        undoLastWrite = () -> {
            restore(copies, id, before);
            restore(tombstones, id, tombstone);
        };
    }

    private void refuseIfRemoved(String id) {
        Long until = tombstones.get(id);
        if (until != null && until >= clock.millis()) {
            throw new SessionRemovedException("sim-disk", id);
        }
    }

    @Override
    public StoredSession read(String id) {
        Copy c = copies.get(id);
        return c == null ? null : c.record(); // records are immutable and callers never write into the arrays
    }

    @Override
    public long version(String id) {
        Copy c = copies.get(id);
        return c == null ? 0 : c.record().version();
    }

    @Override
    public long confirmedVersion(String id) {
        Copy c = copies.get(id);
        return c == null ? 0 : Math.min(c.confirmed(), c.record().version());
    }

    @Override
    public void apply(SessionChange change, long version, long confirmed) {
        String id = change.id();
        refuseIfRemoved(id);
        remember(id);
        tombstones.remove(id);
        Copy previous = copies.get(id);
        copies.put(id, new Copy(change.applyTo(previous == null ? null : previous.record(), version), confirmed));
    }

    @Override
    public void confirm(String id, long version) {
        Copy c = copies.get(id);
        if (c != null && c.record().version() == version && c.confirmed() < version) {
            remember(id);
            copies.put(id, new Copy(c.record(), version));
        }
    }

    @Override
    public void write(StoredSession record) {
        refuseIfRemoved(record.id());
        remember(record.id());
        tombstones.remove(record.id());
        copies.put(record.id(), new Copy(record, record.version()));
    }

    @Override
    public void touch(String id, long lastAccessedTime) {
        Copy c = copies.get(id);
        if (c != null) {
            remember(id);
            StoredSession s = c.record();
            copies.put(id, new Copy(new StoredSession(id, s.version(), s.creationTime(), lastAccessedTime,
                    s.maxInactiveInterval(), s.attributes()), c.confirmed()));
        }
    }

    @Override
    public void remove(String id) {
        remember(id);
        Copy c = copies.remove(id);
        long interval = c == null ? 0 : c.record().maxInactiveInterval() * 1000L;
        tombstones.merge(id, clock.millis() + Math.max(interval, tombstoneMillis), Math::max);
    }

    @Override
    public long removedUntil(String id) {
        Long until = tombstones.get(id);
        return until == null || until < clock.millis() ? 0 : until;
    }

    @Override
    public List<String> sweepExpired(long now) {
        List<String> deleted = new ArrayList<>();
        for (Copy c : new ArrayList<>(copies.values())) {
            if (c.record().isExpiredAt(now)) {
                copies.remove(c.record().id());
                deleted.add(c.record().id());
            }
        }
        tombstones.values().removeIf(until -> until < now);
        return deleted;
    }

    @Override
    public Notices notices(String peer) {
        return notices.getOrDefault(peer, Notices.NONE);
    }

    @Override
    public void keepNotices(String peer, Set<String> ids, boolean all) {
        Notices before = notices(peer);
        Set<String> kept = new TreeSet<>(before.ids());
        kept.addAll(ids);
        change(peer, before, new Notices(Set.copyOf(kept), before.all() || all));
    }

    @Override
    public void dropNotices(String peer, Set<String> ids, boolean all) {
        Notices before = notices(peer);
        Set<String> kept = new TreeSet<>(before.ids());
        kept.removeAll(ids);
        change(peer, before, new Notices(Set.copyOf(kept), before.all() && !all));
    }

    private void change(String peer, Notices before, Notices after) {
        undoLastWrite = () -> restore(notices, peer, before.isEmpty() ? null : before);
        restore(notices, peer, after.isEmpty() ? null : after);
    }

    @Override
    public void close() {
        // The disk outlives the process: a restarted node opens the same records.
    }

    private static <V> void restore(Map<String, V> map, String id, V value) {
        if (value == null) {
            map.remove(id);
        } else {
            map.put(id, value);
        }
    }
}
