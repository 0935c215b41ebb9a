package dev.tandem.session;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions kept in this JVM only. Records are immutable {@link StoredSession}s replaced whole under
 * {@link ConcurrentHashMap#compute}, which serializes writers of one id and leaves other ids alone.
 */
final class MemoryStore implements SessionStore {
    private static final String NAME = "memory";

    private final Clock clock;
    private final long sessionTimeoutMillis;
    private final ConcurrentHashMap<String, StoredSession> sessions = new ConcurrentHashMap<>();
    /** Removed id → epoch millis until which a save of it is refused. */
    private final ConcurrentHashMap<String, Long> tombstones = new ConcurrentHashMap<>();

    MemoryStore(StoreContext context) {
        this.clock = context.clock();
        this.sessionTimeoutMillis = context.sessionTimeout().toMillis();
    }

    @Override
    public StoredSession load(String id) {
        StoredSession stored = sessions.get(SessionId.requireWellFormed(id));
        if (stored == null) {
            return null;
        }
        // Callers own what load returns; a write into an array must not reach the record we keep.
        return new StoredSession(stored.id(), stored.version(), stored.creationTime(),
                stored.lastAccessedTime(), stored.maxInactiveInterval(), copy(stored.attributes()));
    }

    @Override
    public long version(String id) {
        StoredSession stored = sessions.get(SessionId.requireWellFormed(id));
        return stored == null ? 0 : stored.version();
    }

    @Override
    public long save(SessionChange change) {
        String id = SessionId.requireWellFormed(change.id());
        // Copied outside the lock: the caller may reuse its arrays once save returns.
        SessionChange owned = new SessionChange(id, change.creationTime(), change.lastAccessedTime(),
                change.maxInactiveInterval(), copy(change.changed()), change.removed());
        // remove() puts the tombstone inside compute() for the same id, so this check cannot race it.
        StoredSession saved = sessions.compute(id, (key, previous) -> {
            Long until = tombstones.get(key);
            if (until != null) {
                if (until >= clock.millis()) {
                    throw new SessionRemovedException(NAME, key);
                }
                tombstones.remove(key, until);
            }
            return owned.applyTo(previous, previous == null ? 1 : previous.version() + 1);
        });
        return saved.version();
    }

    @Override
    public void touch(String id, long lastAccessedTime) {
        // The attribute map is already immutable, so StoredSession keeps it as is: no copy.
        sessions.computeIfPresent(SessionId.requireWellFormed(id), (key, stored) -> new StoredSession(
                key, stored.version(), stored.creationTime(), lastAccessedTime,
                stored.maxInactiveInterval(), stored.attributes()));
    }

    @Override
    public void remove(String id) {
        sessions.compute(SessionId.requireWellFormed(id), (key, stored) -> {
            long interval = stored == null ? 0 : stored.maxInactiveInterval() * 1000L;
            long until = clock.millis() + Math.max(interval, sessionTimeoutMillis);
            tombstones.merge(key, until, Math::max);
            return null;
        });
    }

    @Override
    public List<String> sweepExpired(long now) {
        List<String> deleted = new ArrayList<>();
        for (String id : sessions.keySet()) {
            // Re-checked under the lock so that a save or touch racing the sweep keeps its session.
            sessions.computeIfPresent(id, (key, stored) -> {
                if (stored.isExpiredAt(now)) {
                    deleted.add(key);
                    return null;
                }
                return stored;
            });
        }
        tombstones.entrySet().removeIf(tombstone -> tombstone.getValue() < now);
        return deleted;
    }

    @Override
    public void close() {
        sessions.clear();
        tombstones.clear();
    }

    private static Map<String, byte[]> copy(Map<String, byte[]> attributes) {
        Map<String, byte[]> copied = new HashMap<>(attributes.size() * 2);
        attributes.forEach((name, bytes) -> copied.put(name, bytes.clone()));
        return copied;
    }
}
