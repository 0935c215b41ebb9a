package dev.tandem.session.spi;

import java.util.Map;
import java.util.Set;

/**
 * A delta to apply to one stored session: the attributes whose bytes changed, the names removed,
 * and the session's times. A session's first save carries every attribute it has. Applying a
 * change to a session the store does not hold creates it (unless a tombstone stands).
 */
public record SessionChange(
        String id,
        long creationTime,
        long lastAccessedTime,
        int maxInactiveInterval,
        Map<String, byte[]> changed,
        Set<String> removed) {

    public SessionChange {
        changed = Map.copyOf(changed);
        removed = Set.copyOf(removed);
        for (String name : removed) {
            if (changed.containsKey(name)) {
                throw new IllegalArgumentException("attribute '" + name + "' is both changed and removed");
            }
        }
    }

    /** Applies this change to {@code previous} (or to nothing) and gives the record at {@code version}. */
    public StoredSession applyTo(StoredSession previous, long version) {
        Map<String, byte[]> attributes = new java.util.HashMap<>();
        if (previous != null) {
            attributes.putAll(previous.attributes());
        }
        attributes.keySet().removeAll(removed);
        attributes.putAll(changed);
        return new StoredSession(id, version, creationTime, lastAccessedTime, maxInactiveInterval, attributes);
    }
}
