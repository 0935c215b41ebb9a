package dev.tandem.session.spi;

/** A save arrived for a session that was invalidated: its tombstone refuses it, so it never comes back. */
public class SessionRemovedException extends SessionStoreException {
    public SessionRemovedException(String store, String sessionId) {
        super(store, sessionId, "the session was invalidated; a late save is refused", null);
    }
}
