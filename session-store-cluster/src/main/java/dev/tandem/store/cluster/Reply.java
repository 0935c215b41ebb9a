package dev.tandem.store.cluster;

/** The status byte that starts every answer of the cluster store's handler. */
enum Reply {
    OK,
    /** The receiver holds no record of the session. */
    NONE,
    /** A backup copy is behind the delta's base version: send the whole record. */
    NEED_FULL,
    /** A backup copy is ahead of the delta: the sender's copy was stale. Followed by the version. */
    NEWER,
    /** The session was invalidated: its tombstone refuses the save. */
    REMOVED,
    /**
     * A backup copy is at the delta's version but is another write (two servers acted as owner at
     * once): the sender must rebase on it. Followed by the backup's whole record.
     */
    CONFLICT,
    /** The receiver's version is the one the sender holds ({@link MessageType#LOAD_IF_CHANGED}). */
    UNCHANGED;

    static Reply of(byte code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("unknown reply status " + code);
        }
        return values()[code];
    }
}
