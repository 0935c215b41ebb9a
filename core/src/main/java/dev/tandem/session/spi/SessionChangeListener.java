package dev.tandem.session.spi;

/**
 * Told by a store that a session changed or was removed other than through this node's requests
 * (a peer's write reached this server, a database change notice), so that core drops its cached
 * copy and reads the store's version on the session's next request.
 */
@FunctionalInterface
public interface SessionChangeListener {
    /** For stores that never learn of changes elsewhere, and contexts made outside a filter. */
    SessionChangeListener NONE = id -> { };

    /** Session {@code id} changed or was removed elsewhere. Cheap and non-blocking; any thread may call it. */
    void changedElsewhere(String id);
}
