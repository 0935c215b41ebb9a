package dev.tandem.session;

import jakarta.servlet.http.HttpSession;

/**
 * What a Tandem session tells beyond the {@link HttpSession} contract, for status pages and
 * examples: {@code if (session instanceof VersionedSession v) v.version()}.
 */
public interface VersionedSession extends HttpSession {

    /** The store's version of this session as this node last saved or loaded it; 0 before its first save. */
    long version();

    /** The server index character of the session's owner (the id's first character). */
    default char ownerIndexChar() {
        return getId().charAt(0);
    }

    /** The server index character of the session's backup (the id's second character). */
    default char backupIndexChar() {
        return getId().charAt(1);
    }
}
