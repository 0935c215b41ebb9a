package dev.tandem.session;

import jakarta.servlet.ServletContext;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session as the web-app sees it: live attribute objects in memory, with the bookkeeping a
 * delta save needs (which names changed or were removed since the last save, and a fingerprint of
 * each attribute's bytes as last stored). Shared by every request of the session on this node, so
 * all of it is safe for concurrent use.
 */
final class TandemSession implements VersionedSession {
    private final SessionManager manager;
    private final long creationTime;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Set<String> removed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean destroying = new AtomicBoolean();
    private final AtomicInteger activeRequests = new AtomicInteger();

    /** Guards saves, id changes and invalidation of this session, so that they apply in order. */
    final Object lock = new Object();
    /** Fingerprints of the attribute bytes the store holds; touched only under {@link #lock}. */
    final Map<String, Long> storedFingerprints = new HashMap<>();
    /** Attributes already reported as unserializable, so the log says it once, not every request. */
    final Set<String> reportedUnserializable = ConcurrentHashMap.newKeySet();

    private volatile String id;
    private volatile long lastAccessedTime;
    private volatile int maxInactiveInterval;
    private volatile boolean isNew;
    private volatile boolean valid = true;
    private volatile boolean passivated;
    /** The store told us another node changed or removed the session: the next request reloads it. */
    private volatile boolean stale;
    /** The store's version of this session; 0 while it was never saved. */
    private volatile long version;
    private volatile boolean metadataChanged;
    /** The last access time the store knows, to decide when a read-only request must touch it. */
    private volatile long storedAccessTime;

    /** A session new in this request. */
    TandemSession(SessionManager manager, String id, long now, int maxInactiveInterval) {
        this.manager = manager;
        this.id = id;
        this.creationTime = now;
        this.lastAccessedTime = now;
        this.maxInactiveInterval = maxInactiveInterval;
        this.isNew = true;
        this.metadataChanged = true;
    }

    /** A session loaded from the store, with its attributes already decoded. */
    TandemSession(SessionManager manager, String id, long creationTime, long lastAccessedTime,
                  int maxInactiveInterval, long version, Map<String, Object> values, Map<String, Long> fingerprints) {
        this.manager = manager;
        this.id = id;
        this.creationTime = creationTime;
        this.lastAccessedTime = lastAccessedTime;
        this.storedAccessTime = lastAccessedTime;
        this.maxInactiveInterval = maxInactiveInterval;
        this.version = version;
        this.attributes.putAll(values);
        this.storedFingerprints.putAll(fingerprints);
    }

    // --- HttpSession ---

    @Override
    public long getCreationTime() {
        checkValid("getCreationTime");
        return creationTime;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public long getLastAccessedTime() {
        checkValid("getLastAccessedTime");
        return lastAccessedTime;
    }

    @Override
    public ServletContext getServletContext() {
        return manager.servletContext();
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        if (interval != maxInactiveInterval) {
            maxInactiveInterval = interval;
            metadataChanged = true;
        }
    }

    @Override
    public int getMaxInactiveInterval() {
        return maxInactiveInterval;
    }

    @Override
    public Object getAttribute(String name) {
        checkValid("getAttribute");
        return name == null ? null : attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        checkValid("getAttributeNames");
        return Collections.enumeration(new HashSet<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        checkValid("setAttribute");
        if (name == null) {
            throw new IllegalArgumentException("attribute name must not be null");
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        SessionListeners listeners = manager.listeners();
        listeners.bound(this, name, value);
        Object old = attributes.put(name, value);
        removed.remove(name);
        changed.add(name);
        reportedUnserializable.remove(name);
        if (old != null && old != value) {
            listeners.unbound(this, name, old);
        }
        if (old == null) {
            listeners.added(this, name, value);
        } else {
            listeners.replaced(this, name, old);
        }
    }

    @Override
    public void removeAttribute(String name) {
        checkValid("removeAttribute");
        if (name == null) {
            return;
        }
        Object old = attributes.remove(name);
        if (old == null) {
            return;
        }
        changed.remove(name);
        removed.add(name);
        reportedUnserializable.remove(name);
        manager.listeners().unbound(this, name, old);
        manager.listeners().removed(this, name, old);
    }

    @Override
    public void invalidate() {
        checkValid("invalidate");
        manager.invalidate(this);
    }

    @Override
    public boolean isNew() {
        checkValid("isNew");
        return isNew;
    }

    // --- bookkeeping for the manager ---

    boolean isValid() {
        return valid;
    }

    /** Claims the right to destroy this session; only the first caller gets it. */
    boolean startDestroying() {
        return destroying.compareAndSet(false, true);
    }

    void markInvalid() {
        valid = false;
    }

    void setId(String id) {
        this.id = id;
    }

    /** A request of this session began on this node. */
    void accessed(long now, boolean joined) {
        lastAccessedTime = now;
        if (joined) {
            isNew = false;
        }
        activeRequests.incrementAndGet();
    }

    void released() {
        activeRequests.decrementAndGet();
    }

    boolean inUse() {
        return activeRequests.get() > 0;
    }

    boolean isExpiredAt(long now) {
        return maxInactiveInterval > 0 && lastAccessedTime + maxInactiveInterval * 1000L < now;
    }

    long lastAccessed() {
        return lastAccessedTime;
    }

    long creation() {
        return creationTime;
    }

    @Override
    public long version() {
        return version;
    }

    boolean isPassivated() {
        return passivated;
    }

    void markPassivated() {
        passivated = true;
    }

    boolean isStale() {
        return stale;
    }

    void markStale() {
        stale = true;
    }

    Map<String, Object> attributeMap() {
        return attributes;
    }

    long storedAccessTime() {
        return storedAccessTime;
    }

    void touched(long accessTime) {
        storedAccessTime = accessTime;
    }

    /** Names set since the last save, cleared as they are taken. Call under {@link #lock}. */
    Set<String> takeChanged() {
        return take(changed);
    }

    /** Names removed since the last save, cleared as they are taken. Call under {@link #lock}. */
    Set<String> takeRemoved() {
        return take(removed);
    }

    /** Whether a save would have anything to write; cheap, for the read-only fast path. */
    boolean hasPendingChanges() {
        return version == 0 || metadataChanged || !changed.isEmpty() || !removed.isEmpty();
    }

    boolean takeMetadataChanged() {
        boolean was = metadataChanged;
        metadataChanged = false;
        return was;
    }

    /** Puts back what a failed save took, so that the next save tries again and nothing is lost. */
    void restore(Set<String> changedNames, Set<String> removedNames, boolean metadata) {
        for (String name : changedNames) {
            if (attributes.containsKey(name)) {
                changed.add(name);
            }
        }
        for (String name : removedNames) {
            if (!attributes.containsKey(name)) {
                removed.add(name);
            }
        }
        if (metadata) {
            metadataChanged = true;
        }
    }

    /** After an id change: the new id's record must be written whole. */
    void markAllChanged() {
        changed.addAll(attributes.keySet());
        removed.clear();
        storedFingerprints.clear();
        metadataChanged = true;
        version = 0;
    }

    void saved(long version, long accessTime) {
        this.version = version;
        this.storedAccessTime = accessTime;
    }

    private static Set<String> take(Set<String> names) {
        Set<String> taken = new HashSet<>();
        for (String name : names) {
            if (names.remove(name)) {
                taken.add(name);
            }
        }
        return taken;
    }

    private void checkValid(String method) {
        if (!valid) {
            throw new IllegalStateException(method + ": the session was invalidated");
        }
    }

    @Override
    public String toString() {
        return "TandemSession[" + dev.tandem.session.spi.SessionStoreException.shorten(id) + ", v" + version + "]";
    }
}
