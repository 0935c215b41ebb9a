package dev.tandem.session;

import dev.tandem.serial.AttributeCodec;
import dev.tandem.serial.SerializationException;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionChangeListener;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreException;
import dev.tandem.session.spi.StoredSession;
import jakarta.servlet.ServletContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of one web-app on this node: a memory cache in front of the store, the save policy
 * (deltas, always-save-session, save-only-on-shutdown), expiry, eviction and the listeners.
 */
final class SessionManager implements SessionChangeListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

    private final SessionConfig config;
    private final SessionStore store;
    private final AttributeCodec codec;
    private final SessionListeners listeners;
    private final Clock clock;
    private final String webApp;
    private final ServletContext servletContext;
    private final Map<String, TandemSession> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean evictionQueued = new AtomicBoolean();
    private static final long LIMIT_WARNING_INTERVAL_MILLIS = 60_000;
    private volatile long lastLimitWarning = Long.MIN_VALUE / 2;
    private final StoreHealth health;
    private final FailedWrites failedWrites;
    /** always-load-session, unless the store decides alone which copies to check. */
    private final boolean alwaysLoad;
    /** Stripes that order the saves of one session from this node (never held while taking session.lock). */
    private final Object[] saveLocks = newLocks(256);
    /** Sessions being loaded now, each with whether the store reported a change elsewhere since. */
    private final Map<String, AtomicBoolean> loadsInProgress = new ConcurrentHashMap<>();
    /** The load under way of each id, which the other requests of that session wait for. */
    private final Map<String, CompletableFuture<TandemSession>> loads = new ConcurrentHashMap<>();

    SessionManager(SessionConfig config, SessionStore store, AttributeCodec codec, SessionListeners listeners,
                   Clock clock, String webApp, ServletContext servletContext) {
        this.config = config;
        this.store = store;
        this.codec = codec;
        this.listeners = listeners;
        this.clock = clock;
        this.webApp = webApp;
        this.servletContext = servletContext;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-sessions-" + webApp);
            t.setDaemon(true);
            return t;
        });
        this.health = new StoreHealth(webApp, config.persistentStore());
        Optional<String> ignored = store.whyAlwaysLoadSessionIsIgnored();
        this.alwaysLoad = config.alwaysLoadSession() && ignored.isEmpty();
        if (config.alwaysLoadSession() && ignored.isPresent()) {
            LOG.info("[{}] always-load-session=true is ignored: {}", webApp, ignored.get());
        }
        this.failedWrites = new FailedWrites(webApp, store, health, scheduler, s -> save(s, false, true));
        long every = config.reaperInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::reap, every, every, TimeUnit.MILLISECONDS);
    }

    SessionConfig config() {
        return config;
    }

    ServletContext servletContext() {
        return servletContext;
    }

    SessionListeners listeners() {
        return listeners;
    }

    /** Sessions held in memory now; for tests and the status page. */
    int sessionsInMemory() {
        return sessions.size();
    }

    /**
     * The session with this id, from memory or the store, marked as used by a request that
     * {@code joined} it; {@code null} if there is none, it expired, or it cannot be read.
     */
    TandemSession find(String id) {
        long now = clock.millis();
        TandemSession session = sessions.get(id);
        if (session != null && (session.isPassivated() || session.isStale() || !session.isValid())) {
            sessions.remove(id, session);
            session = null;
        }
        if (session != null) {
            StoredSession fresh = checkedWithStore(session);
            if (fresh != StoredSession.UNCHANGED) {
                sessions.remove(id, session);
                if (fresh == null) {
                    return null;
                }
                session = sessions.computeIfAbsent(id, key -> activate(fresh));
                if (session == null) {
                    return null;
                }
            }
        } else {
            session = loadOnce(id);
            if (session == null) {
                return null;
            }
            queueEvictionIfFull();
        }
        if (session.isExpiredAt(now)) {
            destroy(session, "expired");
            return null;
        }
        session.accessed(now, true);
        return session;
    }

    /** A request of this session uses it again after it had released it (an error or async dispatch). */
    void reacquire(TandemSession session) {
        session.accessed(clock.millis(), false);
    }

    /**
     * A new session with a fresh id.
     *
     * @throws SessionLimitException if memory holds twice max-sessions-in-memory (with the removals
     *     waiting for the store): only sessions the store refused stay over the limit, so a bot
     *     creating sessions during an outage would otherwise grow the heap without end
     */
    TandemSession create() {
        long held = (long) sessions.size() + failedWrites.pendingRemovals();
        if (held >= 2L * config.maxSessionsInMemory()) {
            queueEvictionIfFull(); // what the store takes again can go
            long now = clock.millis();
            if (now - lastLimitWarning > LIMIT_WARNING_INTERVAL_MILLIS) {
                lastLimitWarning = now;
                LOG.warn("[{}] {} sessions in memory and {} removals waiting, twice max-sessions-in-memory={}, while the "
                        + "store refuses saves ({} waiting): new sessions get 503 until it takes them (logged once a "
                        + "minute)", webApp, sessions.size(), failedWrites.pendingRemovals(), config.maxSessionsInMemory(),
                        failedWrites.pending());
            }
            throw new SessionLimitException("no new session: " + held + " sessions held in memory while the store "
                    + "refuses saves");
        }
        long now = clock.millis();
        TandemSession session = new TandemSession(this, SessionId.generate(store.newSessionIdPrefix()), now,
                config.maxInactiveIntervalSeconds());
        sessions.put(session.getId(), session);
        session.accessed(now, false);
        listeners.created(session);
        queueEvictionIfFull();
        return session;
    }

    /** The request that used the session ends: save what the policy asks, then let it go. */
    void release(TandemSession session) {
        try {
            save(session, config.alwaysSaveSession(), false);
        } finally {
            session.released();
        }
    }

    /** The response is about to be committed: save now so the client's next request sees it. */
    void saveBeforeCommit(TandemSession session) {
        save(session, config.alwaysSaveSession(), false);
    }

    /**
     * Saves the session's delta. {@code compareAll} serializes every attribute and sends those
     * whose bytes differ from the stored ones (always-save-session, eviction, shutdown);
     * {@code force} writes even with save-only-on-shutdown.
     *
     * @return whether the store now holds everything this session has
     */
    private boolean save(TandemSession session, boolean compareAll, boolean force) {
        if (config.saveOnlyOnShutdown() && !force) {
            return true;
        }
        if (!compareAll && !session.hasPendingChanges()) {
            touchIfDue(session); // the common read-only request: no lock, no allocation
            return true;
        }
        synchronized (session.lock) {
            if (!session.isValid()) {
                return true;
            }
            Set<String> changedNames = session.takeChanged();
            Set<String> removedNames = session.takeRemoved();
            boolean metadata = session.takeMetadataChanged();
            Map<String, Object> attributes = session.attributeMap();
            Set<String> toEncode = compareAll ? new HashSet<>(attributes.keySet()) : new HashSet<>(changedNames);
            toEncode.addAll(changedNames);

            Map<String, byte[]> bytes = new HashMap<>();
            Map<String, Long> fingerprints = new HashMap<>();
            boolean complete = true;
            for (String name : toEncode) {
                Object value = attributes.get(name);
                if (value == null) {
                    removedNames.add(name);
                    continue;
                }
                byte[] encoded;
                try {
                    encoded = codec.encode(name, value);
                } catch (SerializationException e) {
                    complete = false;
                    if (session.reportedUnserializable.add(name)) {
                        LOG.error("[{}] session {}: {}; the attribute stays in this node's memory only and is lost "
                                + "if the session moves or the node stops", webApp, session, e.getMessage(), e);
                    }
                    continue;
                }
                long fingerprint = Fingerprint.of(encoded);
                Long stored = session.storedFingerprints.get(name);
                if (stored != null && stored == fingerprint) {
                    continue;
                }
                bytes.put(name, encoded);
                fingerprints.put(name, fingerprint);
            }
            removedNames.removeAll(bytes.keySet());
            boolean neverSaved = session.version() == 0;
            if (bytes.isEmpty() && removedNames.isEmpty() && !metadata && !neverSaved) {
                touchIfDue(session);
                return complete;
            }
            long accessTime = session.lastAccessed();
            SessionChange change = new SessionChange(session.getId(), session.creation(), accessTime,
                    session.getMaxInactiveInterval(), bytes, removedNames);
            try {
                long base = session.version();
                long version;
                // One save of a session at a time from this node, as when one object held it: a copy
                // marked stale while a request still uses it makes a second object for the next one.
                synchronized (saveLocks[Math.floorMod(session.getId().hashCode(), saveLocks.length)]) {
                    version = store.save(change);
                }
                session.saved(version, accessTime);
                if (version != base + 1) {
                    // Another node's save landed between this copy's version and this one: the store
                    // holds changes this copy lacks, and a version check would now call it current.
                    session.markStale();
                }
                session.storedFingerprints.putAll(fingerprints);
                removedNames.forEach(session.storedFingerprints::remove);
                failedWrites.settled(session);
                health.works();
                return complete;
            } catch (SessionRemovedException e) {
                // Invalidated on another node meanwhile: it must not come back here either.
                LOG.info("[{}] session {} was invalidated elsewhere; dropping this node's copy", webApp, session);
                session.markInvalid();
                sessions.remove(session.getId(), session);
                return true;
            } catch (RuntimeException e) {
                Set<String> retry = new HashSet<>(changedNames);
                retry.addAll(bytes.keySet());
                session.restore(retry, removedNames, metadata || neverSaved);
                health.failed("save", session.getId(), e);
                failedWrites.saveFailed(session);
                return false;
            }
        }
    }

    /**
     * A read-only request keeps the store's last access time current by a small touch, but only when
     * the stored time is more than a tenth of the timeout old: the store's expiry sweep waits that
     * tenth longer, so no session expires early and most reads write nothing.
     */
    private void touchIfDue(TandemSession session) {
        long interval = session.getMaxInactiveInterval() * 1000L;
        if (interval <= 0) {
            return;
        }
        long accessTime = session.lastAccessed();
        if (accessTime - session.storedAccessTime() < Math.min(interval, sweepGraceBase()) / 10) {
            return;
        }
        try {
            store.touch(session.getId(), accessTime);
            session.touched(accessTime);
            health.works();
        } catch (RuntimeException e) {
            health.failed("touch", session.getId(), e);
        }
    }

    private long sweepGraceBase() {
        long timeout = config.sessionTimeout().toMillis();
        return timeout > 0 ? timeout : Long.MAX_VALUE;
    }

    /** Invalidates the session: listeners, then unbinding, then the store's record (leaving a tombstone). */
    void invalidate(TandemSession session) {
        destroy(session, "invalidated");
    }

    private void destroy(TandemSession session, String why) {
        if (!session.startDestroying()) {
            return;
        }
        // sessionDestroyed is told before the attributes go, so it can still read them.
        listeners.destroyed(session);
        String id;
        synchronized (session.lock) {
            session.markInvalid();
            id = session.getId();
            sessions.remove(id, session);
        }
        Map<String, Object> attributes = session.attributeMap();
        for (String name : new ArrayList<>(attributes.keySet())) {
            Object value = attributes.remove(name);
            if (value != null) {
                listeners.unbound(session, name, value);
                listeners.removed(session, name, value);
            }
        }
        failedWrites.settled(session);
        failedWrites.remove(id, why);
        LOG.debug("[{}] session {} {}", webApp, session, why);
    }

    /** Gives the session a new id with the same data; the old id is gone from the store. */
    String changeId(TandemSession session) {
        String oldId;
        synchronized (session.lock) {
            oldId = session.getId();
            boolean wasStored = session.version() > 0;
            String newId = SessionId.generate(store.newSessionIdPrefix());
            sessions.put(newId, session);
            session.setId(newId);
            sessions.remove(oldId, session);
            session.markAllChanged();
            save(session, false, false);
            if (wasStored) {
                failedWrites.remove(oldId, "replaced by changeSessionId");
            }
        }
        listeners.idChanged(session, oldId);
        return session.getId();
    }

    /** Sessions and removals waiting for the store to work again; for tests and the status page. */
    int pendingWrites() {
        return failedWrites.pending();
    }

    /** Expires idle sessions in memory, then sweeps the store. Runs on the scheduler; never throws. */
    void reap() {
        try {
            long now = clock.millis();
            for (TandemSession session : sessions.values()) {
                if (session.inUse() || !session.isExpiredAt(now)) {
                    continue;
                }
                if (session.isStale() || store.checkVersionBeforeUse(session.getId())) {
                    // Another node may have served it since this copy was cached: only the store knows its
                    // last access. Drop the copy; the store's sweep decides whether it expired.
                    sessions.remove(session.getId(), session);
                } else {
                    destroy(session, "expired");
                }
            }
            long grace = sweepGraceBase() == Long.MAX_VALUE ? 0 : sweepGraceBase() / 10;
            List<String> swept = store.sweepExpired(now - grace);
            if (!swept.isEmpty()) {
                LOG.debug("[{}] swept {} expired sessions from the store", webApp, swept.size());
            }
        } catch (RuntimeException | Error e) {
            LOG.error("[{}] the session reaper failed; it runs again in {}", webApp, config.reaperInterval(), e);
        }
    }

    private void queueEvictionIfFull() {
        if (sessions.size() > config.maxSessionsInMemory() && evictionQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(this::evictLeastRecentlyUsed);
            } catch (RuntimeException e) {
                evictionQueued.set(false); // shutting down
            }
        }
    }

    /**
     * Passivates the least recently used sessions down to 90% of max-sessions-in-memory, off the
     * request threads; the slack keeps this from running on every new session.
     */
    private void evictLeastRecentlyUsed() {
        try {
            int max = config.maxSessionsInMemory();
            int excess = sessions.size() - max;
            if (excess <= 0 || health.failing()) {
                // While the store fails, a session evicted could not be loaded back: its user would get
                // errors. Memory is bounded meanwhile by create()'s limit of twice max-sessions-in-memory.
                return;
            }
            List<TandemSession> oldest = sessions.values().stream()
                    .filter(s -> !s.inUse())
                    .sorted(Comparator.comparingLong(TandemSession::lastAccessed))
                    .limit(excess + max / 10)
                    .toList();
            for (TandemSession session : oldest) {
                passivate(session);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("[{}] evicting sessions from memory failed", webApp, e);
        } finally {
            evictionQueued.set(false);
        }
    }

    private void passivate(TandemSession session) {
        synchronized (session.lock) {
            if (!session.isValid() || session.inUse()) {
                return;
            }
            listeners.willPassivate(session, session.attributeMap().values());
            if (!save(session, true, true)) {
                return; // the store could not take it all: keep it in memory rather than lose it
            }
            session.markPassivated();
            sessions.remove(session.getId(), session);
        }
    }

    /**
     * {@link StoredSession#UNCHANGED} if the cached copy may be served as it is, else the store's
     * newer record ({@code null}: none). The store asks for a check where other nodes' writes are
     * not announced here, and a check it asked for must succeed; the user asks with
     * always-load-session, and then the copy in memory is served while the store is away.
     */
    private StoredSession checkedWithStore(TandemSession session) {
        String id = session.getId();
        boolean storeAsks = store.checkVersionBeforeUse(id);
        if (!storeAsks && !alwaysLoad) {
            return StoredSession.UNCHANGED;
        }
        // A touch does not change the version: a copy that looks expired here may have been used on
        // another node since, so it is read whole, with the store's last access, before it is judged.
        long known = session.isExpiredAt(clock.millis()) ? -1 : session.version();
        try {
            StoredSession fresh = store.loadIfChanged(id, known);
            health.works();
            return fresh;
        } catch (RuntimeException e) {
            health.failed("version check", id, e);
            if (storeAsks) {
                throw e;
            }
            return StoredSession.UNCHANGED;
        }
    }

    /**
     * The store says another node changed or removed this session: forget the copy in memory, so the
     * next request reads the store's. No listener is told, as the session lives on elsewhere. A copy
     * a request is using now stays until that request ends (it saves its delta as usual); the flag
     * makes the next {@link #find} reload it. Never blocks: stores call this from their own threads.
     */
    @Override
    public void changedElsewhere(String id) {
        if (config.saveOnlyOnShutdown()) {
            return; // the memory copy is the only complete one until shutdown: dropping it would lose writes
        }
        TandemSession session = sessions.get(id);
        if (session == null) {
            AtomicBoolean loading = loadsInProgress.get(id);
            if (loading != null) {
                loading.set(true);
            }
            return;
        }
        session.markStale();
        if (!session.inUse()) {
            sessions.remove(id, session);
        }
    }

    private static Object[] newLocks(int count) {
        Object[] locks = new Object[count];
        for (int i = 0; i < count; i++) {
            locks[i] = new Object();
        }
        return locks;
    }

    /**
     * Loads the session into memory once however many requests ask. A change the store reports
     * while the load runs finds no session to mark, and the record read may predate it: such a
     * copy is marked stale once it is in memory, so that it serves only the request that loaded it.
     *
     * <p>No lock is held while the store answers: a load may wait for another server, whose answer
     * may need this server's store threads to call {@link #changedElsewhere}, which touches
     * {@code sessions} (a load inside {@code sessions.computeIfAbsent} held a bin of the map for
     * the whole round trip and stalled two cluster servers on each other until socket-timeout).
     */
    private TandemSession loadOnce(String id) {
        TandemSession present = sessions.get(id);
        if (present != null) {
            return present;
        }
        CompletableFuture<TandemSession> mine = new CompletableFuture<>();
        CompletableFuture<TandemSession> running = loads.putIfAbsent(id, mine);
        if (running != null) {
            return awaitLoad(running); // another request of this session is loading it
        }
        AtomicBoolean changed = new AtomicBoolean();
        loadsInProgress.put(id, changed);
        try {
            TandemSession session = sessions.get(id);
            if (session == null) {
                TandemSession loaded = load(id);
                session = loaded == null ? null : sessions.putIfAbsent(id, loaded);
                if (session == null && loaded != null) {
                    session = loaded;
                    if (changed.get()) {
                        session.markStale();
                    }
                }
            }
            mine.complete(session);
            return session;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            loads.remove(id, mine);
            loadsInProgress.remove(id, changed);
        }
    }

    private static TandemSession awaitLoad(CompletableFuture<TandemSession> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Reads a session from the store; {@code null} if absent, expired or unreadable. */
    private TandemSession load(String id) {
        StoredSession record;
        try {
            record = store.load(id);
            health.works();
        } catch (SessionStoreException e) {
            health.failed("load", id, e);
            throw e;
        }
        return record == null ? null : activate(record);
    }

    /** A session made from the store's record; {@code null} if it expired or cannot be read. */
    private TandemSession activate(StoredSession record) {
        String id = record.id();
        if (record.isExpiredAt(clock.millis())) {
            return null;
        }
        Map<String, Object> values = new HashMap<>();
        Map<String, Long> fingerprints = new HashMap<>();
        for (Map.Entry<String, byte[]> attribute : record.attributes().entrySet()) {
            try {
                values.put(attribute.getKey(), codec.decode(attribute.getKey(), attribute.getValue()));
                fingerprints.put(attribute.getKey(), Fingerprint.of(attribute.getValue()));
            } catch (SerializationException e) {
                LOG.warn("[{}] session {} cannot be read: {}; it is treated as missing and its stored record is kept",
                        webApp, SessionStoreException.shorten(id), e.getMessage());
                return null;
            }
        }
        TandemSession session = new TandemSession(this, id, record.creationTime(), record.lastAccessedTime(),
                record.maxInactiveInterval(), record.version(), values, fingerprints);
        listeners.didActivate(session, values.values());
        return session;
    }

    /** The web-app stops: passivate every session still in memory, saving each attribute whose bytes changed. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failedWrites.removeOnStop();
        int saved = 0;
        int failed = 0;
        for (TandemSession session : sessions.values()) {
            if (session.isValid()) {
                listeners.willPassivate(session, session.attributeMap().values());
                if (save(session, true, true)) {
                    saved++;
                } else {
                    failed++;
                }
            }
        }
        sessions.clear();
        if (failed > 0) {
            LOG.error("[{}] stopped: {} sessions saved to the {} store, {} could not be saved and are lost",
                    webApp, saved, config.persistentStore(), failed);
        } else {
            LOG.info("[{}] stopped: {} sessions saved to the {} store", webApp, saved, config.persistentStore());
        }
        store.close();
    }
}
