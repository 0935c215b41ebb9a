package dev.tandem.session.spi;

import java.util.Map;

/**
 * One session as a store holds it. Times are epoch milliseconds. {@code maxInactiveInterval} is in
 * seconds with the Servlet API's meaning: zero or less means the session never expires.
 * {@code attributes} maps each attribute name to its bytes, serialized on its own by core.
 */
public record StoredSession(
        String id,
        long version,
        long creationTime,
        long lastAccessedTime,
        int maxInactiveInterval,
        Map<String, byte[]> attributes) {

    /**
     * {@link SessionStore#loadIfChanged}'s answer when the caller's copy is current; compared by
     * identity, never a session.
     */
    public static final StoredSession UNCHANGED = new StoredSession("", -1, 0, 0, 0, Map.of());

    public StoredSession {
        attributes = Map.copyOf(attributes);
    }

    /** Whether the session had expired at {@code now} (milliseconds). */
    public boolean isExpiredAt(long now) {
        return maxInactiveInterval > 0 && lastAccessedTime + maxInactiveInterval * 1000L < now;
    }
}
