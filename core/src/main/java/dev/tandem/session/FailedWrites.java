package dev.tandem.session;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store refused while it was failing: sessions whose save failed and ids whose removal
 * failed, written again in the background until the store takes them. Removals go first, because
 * an invalidated session must not come back. Backs off from 0.5 s to 30 s while the store keeps
 * failing, so an outage costs one attempt per period, not one per request.
 */
final class FailedWrites {
    private static final Logger LOG = LoggerFactory.getLogger(FailedWrites.class);
    static final long FIRST_RETRY_MILLIS = 500;
    static final long LAST_RETRY_MILLIS = 30_000;

    private final String webApp;
    private final SessionStore store;
    private final StoreHealth health;
    private final ScheduledExecutorService scheduler;
    /** Saves a session's pending changes again; true when the store took them all. */
    private final Predicate<TandemSession> save;
    private final Set<TandemSession> unsaved = ConcurrentHashMap.newKeySet();
    private final Set<String> unremoved = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile long delayMillis = FIRST_RETRY_MILLIS;

    FailedWrites(String webApp, SessionStore store, StoreHealth health, ScheduledExecutorService scheduler,
                 Predicate<TandemSession> save) {
        this.webApp = webApp;
        this.store = store;
        this.health = health;
        this.scheduler = scheduler;
        this.save = save;
    }

    void saveFailed(TandemSession session) {
        unsaved.add(session);
        schedule();
    }

    /** The session is saved, or gone: nothing of it is left to retry. */
    void settled(TandemSession session) {
        unsaved.remove(session);
    }

    /** Removes a session's record; if the store fails, keeps trying so that it cannot come back. */
    void remove(String id, String why) {
        try {
            store.remove(id);
            health.works();
        } catch (RuntimeException e) {
            health.failed("remove (" + why + ")", id, e);
            unremoved.add(id);
            schedule();
        }
    }

    int pending() {
        return unsaved.size() + unremoved.size();
    }

    /** Ids whose removal waits for the store (the unsaved sessions are in memory, counted there). */
    int pendingRemovals() {
        return unremoved.size();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                scheduler.schedule(this::retry, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                scheduled.set(false); // stopping: the last removals are tried by removeOnStop
            }
        }
    }

    void retry() {
        boolean failed = false;
        try {
            for (String id : unremoved) {
                try {
                    store.remove(id);
                    unremoved.remove(id);
                    health.works();
                } catch (RuntimeException e) {
                    health.failed("remove (retry)", id, e);
                    failed = true;
                    break;
                }
            }
            for (TandemSession session : failed ? List.<TandemSession>of() : unsaved) {
                unsaved.remove(session);
                if (session.isValid() && !supersededInStore(session) && !save.test(session)) {
                    failed = true;
                    break;
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("[{}] retrying failed session writes failed", webApp, e);
            failed = true;
        }
        delayMillis = failed ? Math.min(delayMillis * 2, LAST_RETRY_MILLIS) : FIRST_RETRY_MILLIS;
        scheduled.set(false);
        if (pending() > 0) {
            schedule();
        }
    }

    /**
     * Whether a version newer than the one this failed change was based on is in the store: a later
     * request (here, on a fresh copy, or on another node) saved the session since. Writing this
     * change again then would put back the values that save replaced, so it is dropped, and the
     * copy in memory is marked stale so the next request loads the newer one. The change itself
     * may be in that newer version (a store can apply a save and still report it failed); if it is
     * not, the requests after it did not see it either, and restoring it now would go back in time.
     */
    private boolean supersededInStore(TandemSession session) {
        long stored = store.version(session.getId()); // a failure here counts as a failed retry
        if (stored <= session.version()) {
            return false;
        }
        session.markStale();
        LOG.warn("[{}] session {}: version {} was saved since this node failed to save a change made on version {}; "
                + "the change is not written again, so that it cannot overwrite the newer one", webApp, session, stored,
                session.version());
        return true;
    }

    /** The web-app stops: one last try at the removals (unsaved sessions are saved by the manager's own stop). */
    void removeOnStop() {
        for (String id : unremoved) {
            try {
                store.remove(id);
            } catch (RuntimeException e) {
                LOG.error("[{}] stopping: session {} was invalidated but the store could not remove it", webApp,
                        SessionStoreException.shorten(id), e);
            }
        }
    }
}
