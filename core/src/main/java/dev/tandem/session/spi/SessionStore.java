package dev.tandem.session.spi;

import java.util.Optional;

/**
 * Where the sessions of one web-app are kept. A store deals in bytes and times, never in attribute
 * objects: core serializes each attribute on its own, once, and hands the store deltas.
 *
 * <p>Thread-safety: every method may be called by many request threads at once, for the same
 * session too. {@link #save} calls for one session must be applied atomically and in some order
 * (the later save of one attribute wins); saves of different attributes must all survive.
 *
 * <p>Every method rejects an id that is not well formed ({@link dev.tandem.session.SessionId})
 * with an {@link IllegalArgumentException} before the id touches a file name or a query.
 *
 * <p>Byte arrays are never shared with the caller: writing into an array after passing it to
 * {@link #save}, or into one returned by {@link #load}, does not change what the store holds.
 * A store that keeps arrays in memory copies them on the way in and on the way out.
 */
public interface SessionStore extends AutoCloseable {

    /** The session's record, or {@code null} if the store holds none (never stored, removed or swept). */
    StoredSession load(String id);

    /**
     * The version of the stored record, {@code 0} if there is none. Cheap: it must not read the
     * attributes. {@code always-load-session} calls it on every request.
     */
    long version(String id);

    /**
     * Applies a delta: changed attributes replace the stored ones, removed names are deleted, times
     * and the max inactive interval are overwritten, and the version goes up by one.
     *
     * @return the new version
     * @throws SessionRemovedException if the session was removed (invalidated) and its tombstone
     *     still stands: an invalidated session never comes back
     */
    long save(SessionChange change);

    /**
     * Records a read-only access: updates the last access time without rewriting the attributes.
     * A touch for a session the store does not hold does nothing. It does not change the version:
     * the version says whether the attributes changed since a node loaded them
     * ({@code always-load-session} compares it), and an access changes none.
     */
    void touch(String id, long lastAccessedTime);

    /**
     * Deletes the session and leaves a tombstone that refuses later saves of this id for at
     * least the longer of its max inactive interval and the default session timeout. The
     * tombstone is left even when the store holds no record (a session invalidated before its
     * first save), so that a save racing the invalidation cannot bring it back.
     */
    void remove(String id);

    /**
     * Deletes every record whose last access plus max inactive interval is before {@code now}.
     *
     * @return the ids deleted
     */
    java.util.List<String> sweepExpired(long now);

    /**
     * The record if its version is not {@code knownVersion}, {@link StoredSession#UNCHANGED} if it
     * is, {@code null} if the store holds none. Core calls it to check the copy it cached; a store
     * that answers over the network does it in one round trip, with a small answer when unchanged.
     */
    default StoredSession loadIfChanged(String id, long knownVersion) {
        return version(id) == knownVersion ? StoredSession.UNCHANGED : load(id);
    }

    /**
     * Whether core must check its memory copy of {@code id} with {@link #loadIfChanged} before a
     * request uses it, as {@code always-load-session} does for every session. For a store whose
     * other nodes' writes of this session are not announced to this node (the jdbc store on a
     * server that does not own the session, the cluster store on one that neither owns nor backs it
     * up). A check the store asked for and could not make fails the request: the copy may be behind.
     * Core's reaper also leaves the expiry of such a session to the store's sweep: it drops its
     * expired copy instead of destroying the session, as another node may have served it since.
     * Cheap: called on each request of a cached session.
     */
    default boolean checkVersionBeforeUse(String id) {
        return false;
    }

    /**
     * Why this store ignores {@code always-load-session}, if it does: it decides alone, through
     * {@link #checkVersionBeforeUse}, which copies core must check. Core logs the reason at start.
     */
    default Optional<String> whyAlwaysLoadSessionIsIgnored() {
        return Optional.empty();
    }

    /**
     * The two-character owner and backup prefix for a session created on this node now
     * ({@link dev.tandem.session.SessionId}). Stores without a cluster leave the default.
     */
    default String newSessionIdPrefix() {
        return "aa";
    }

    /** Releases files, connections and threads. The store is not used afterwards. */
    @Override
    void close();
}
