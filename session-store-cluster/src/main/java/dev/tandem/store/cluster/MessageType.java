package dev.tandem.store.cluster;

/**
 * The cluster store's message types on the transport. Those marked "local" are answered from the
 * receiver's disk copy alone; the others run the owner's side of the protocol there and may ask
 * further peers, so they run on the store's own threads.
 */
final class MessageType {
    /** Local: the version of the receiver's copy (0 if none), or REMOVED if it was invalidated there. */
    static final int VERSION = 1;
    /** Owner: load as the acting owner (with recovery), Resin's 2:load. */
    static final int LOAD = 2;
    /** Owner: save a delta as the acting owner, who backs it up; Resin's 3:store. */
    static final int STORE = 3;
    /** Local: apply a delta at a given version to a backup copy. */
    static final int REPLICATE = 4;
    /** Local: replace a backup copy by a whole record if it is newer. */
    static final int REPLICATE_FULL = 5;
    /** Local: a read-only access. */
    static final int TOUCH = 6;
    /** Local: delete the copy and leave a tombstone. */
    static final int REMOVE = 7;
    /** Local: the receiver's copy, whole. */
    static final int READ_COPY = 8;
    /** Owner: the version as the acting owner (with recovery); for {@code always-load-session}. */
    static final int OWNER_VERSION = 9;
    /**
     * Local: sessions of the receiver that were written or removed while it was out of reach; it must
     * check them with its peers before serving its copy again. An empty list means "too many: check all".
     */
    static final int MISSED = 10;
    /**
     * Owner: as LOAD (with recovery), given the version the sender holds: UNCHANGED when the acting
     * owner's is the same, so a server that neither owns nor backs up a session checks its cached
     * copy in one small round trip (Resin: a non-owner "must ask Host C for an update on each request").
     */
    static final int LOAD_IF_CHANGED = 11;

    private MessageType() {}
}
