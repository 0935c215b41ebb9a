package dev.tandem.store.cluster;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoredSession;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Core's memory copy of the sessions on one simulated server, as {@code SessionManager.find} keeps
 * it: a cached copy is served as it is unless the store asks for a check
 * ({@link ClusterSessions#checkVersionBeforeUse}), and dropped when the store reports a change
 * elsewhere. A copy whose change was reported while it was being read or saved is not kept, as
 * core marks such a copy stale. Without this model the simulation would load every request from
 * the store and never see a server serve a copy older than what the owner acknowledged.
 */
final class SimSessionCache {
    private final Map<String, StoredSession> copies = new HashMap<>();
    /** Bumped by every change reported elsewhere: a read that began before it must not be kept. */
    private final Map<String, Long> generations = new HashMap<>();
    private final ClusterSessions sessions;
    private final SimClock clock;

    SimSessionCache(ClusterSessions sessions, SimClock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    /** The store's listener: another server changed the session. */
    void changedElsewhere(String id) {
        copies.remove(id);
        generations.merge(id, 1L, Long::sum);
    }

    long generation(String id) {
        return generations.getOrDefault(id, 0L);
    }

    /** A request's look-up: the cached copy, checked where the store asks, else a load. */
    CompletableFuture<StoredSession> find(String id) {
        StoredSession copy = copies.get(id);
        long now = clock.millis();
        if (copy != null && !copy.isExpiredAt(now) && !sessions.checkVersionBeforeUse(id)) {
            return CompletableFuture.completedFuture(copy);
        }
        long generation = generation(id);
        CompletableFuture<StoredSession> read = copy == null ? sessions.loadAsync(id)
                : sessions.loadIfChangedAsync(id, copy.isExpiredAt(now) ? -1 : copy.version())
                        .thenApply(r -> r == StoredSession.UNCHANGED ? copy : r);
        return read.thenApply(record -> {
            if (record == null || record.isExpiredAt(clock.millis())) {
                copies.remove(id);
            } else if (generation(id) == generation) {
                copies.put(id, record);
            }
            return record;
        });
    }

    /**
     * A save of {@code change} was acknowledged at {@code version}. Core applies it to its one copy
     * of the session, which it marks stale unless the version is the copy's next one (another
     * server's save landed in between).
     */
    void saved(SessionChange change, long version, long generationAtFind) {
        String id = change.id();
        StoredSession base = copies.get(id);
        if (generation(id) != generationAtFind || version != (base == null ? 0 : base.version()) + 1) {
            copies.remove(id);
            return;
        }
        Map<String, byte[]> attributes = new HashMap<>(base == null ? Map.of() : base.attributes());
        attributes.putAll(change.changed());
        change.removed().forEach(attributes::remove);
        copies.put(id, new StoredSession(id, version, change.creationTime(), change.lastAccessedTime(),
                change.maxInactiveInterval(), attributes));
    }

    /** A new session's first save (a create, or changeSessionId's copy under the new id). */
    CompletableFuture<Long> saveNew(SessionChange change) {
        long generation = generation(change.id());
        return sessions.saveAsync(change).thenApply(version -> {
            saved(change, version, generation);
            return version;
        });
    }

    /** A request's save failed or was refused, or the session was invalidated here. */
    void forget(String id) {
        copies.remove(id);
    }
}
