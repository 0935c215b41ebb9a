package dev.tandem.session.spi;

/**
 * A store could not do what was asked (disk, database or network trouble). Carries the store's
 * name and a shortened session id so that a log line says which session was affected without
 * revealing the whole id.
 */
public class SessionStoreException extends RuntimeException {
    private final String store;
    private final String sessionId;

    public SessionStoreException(String store, String sessionId, String message, Throwable cause) {
        super(store + " store, session " + shorten(sessionId) + ": " + message, cause);
        this.store = store;
        this.sessionId = sessionId;
    }

    public String store() {
        return store;
    }

    public String sessionId() {
        return sessionId;
    }

    /** The first 6 characters of an id: enough to correlate log lines, useless to hijack a session. */
    public static String shorten(String id) {
        if (id == null) {
            return "-";
        }
        return id.length() <= 6 ? id : id.substring(0, 6) + "…";
    }
}
