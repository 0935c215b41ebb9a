package dev.tandem.store.cluster;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoredSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One server's disk in the simulator: its three stores (session copies, removals, and the notices
 * of writes peers missed) survive a killed process, as the file store's files do. Like the file
 * store without fsync, the last write (to any of them) sits in the page cache: a machine crash
 * ({@link #dropLastWrite}) loses it, a killed process does not. Sorted maps keep every iteration
 * in a fixed order.
 */
final class SimDisk {
    private final Clock clock;
    private final long sessionTimeoutMillis;
    final Store copies = new Store("copies");
    final Store removals = new Store("removals");
    final Store missed = new Store("missed");
    /** Puts back what the last write replaced; null once nothing is unsynced. */
    private Runnable undoLastWrite;

    SimDisk(Clock clock, long sessionTimeoutMillis) {
        this.clock = clock;
        this.sessionTimeoutMillis = sessionTimeoutMillis;
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

    /** A SessionStore whose records live as long as the simulated machine. */
    final class Store implements SessionStore {
        private final String name;
        private final TreeMap<String, StoredSession> sessions = new TreeMap<>();
        private final TreeMap<String, Long> tombstones = new TreeMap<>();

        private Store(String name) {
            this.name = name;
        }

        int size() {
            return sessions.size();
        }

        private void remember(String id) {
            StoredSession before = sessions.get(id);
            Long tombstone = tombstones.get(id);
            undoLastWrite = () -> {
                restore(sessions, id, before);
                restore(tombstones, id, tombstone);
            };
        }

        @Override
        public StoredSession load(String id) {
            return sessions.get(id); // records are immutable and callers never write into the arrays
        }

        @Override
        public long version(String id) {
            StoredSession s = sessions.get(id);
            return s == null ? 0 : s.version();
        }

        @Override
        public long save(SessionChange change) {
            String id = change.id();
            Long until = tombstones.get(id);
            if (until != null && until >= clock.millis()) {
                throw new SessionRemovedException("sim-" + name, id);
            }
            remember(id);
            tombstones.remove(id);
            StoredSession previous = sessions.get(id);
            StoredSession saved = change.applyTo(previous, previous == null ? 1 : previous.version() + 1);
            sessions.put(id, saved);
            return saved.version();
        }

        @Override
        public void touch(String id, long lastAccessedTime) {
            StoredSession s = sessions.get(id);
            if (s != null) {
                remember(id);
                sessions.put(id, new StoredSession(id, s.version(), s.creationTime(), lastAccessedTime,
                        s.maxInactiveInterval(), s.attributes()));
            }
        }

        @Override
        public void remove(String id) {
            remember(id);
            StoredSession s = sessions.remove(id);
            long interval = s == null ? 0 : s.maxInactiveInterval() * 1000L;
            tombstones.merge(id, clock.millis() + Math.max(interval, sessionTimeoutMillis), Math::max);
        }

        @Override
        public List<String> sweepExpired(long now) {
            List<String> deleted = new ArrayList<>();
            for (StoredSession s : new ArrayList<>(sessions.values())) {
                if (s.isExpiredAt(now)) {
                    sessions.remove(s.id());
                    deleted.add(s.id());
                }
            }
            tombstones.values().removeIf(until -> until < now);
            return deleted;
        }

        @Override
        public void close() {
            // The disk outlives the process: a restarted node opens the same records.
        }
    }

    private static <V> void restore(Map<String, V> map, String id, V value) {
        if (value == null) {
            map.remove(id);
        } else {
            map.put(id, value);
        }
    }
}
