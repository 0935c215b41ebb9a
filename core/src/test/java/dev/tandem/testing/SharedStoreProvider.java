package dev.tandem.testing;

import dev.tandem.session.MemoryStoreProvider;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionChangeListener;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A store shared by several test "nodes" in one JVM, like a database all nodes use: a memory store
 * under the name given by {@code shared-name}, which also records every session id it was asked
 * about. Select it with {@code persistent-store=dev.tandem.testing.SharedStoreProvider}.
 */
public final class SharedStoreProvider implements SessionStoreProvider {
    private static final Map<String, Shared> STORES = new ConcurrentHashMap<>();

    /** The store named {@code name}, made on first use. */
    public static Shared store(String name) {
        return STORES.computeIfAbsent(name, n -> new Shared());
    }

    @Override
    public String name() {
        return "shared-test";
    }

    @Override
    public Set<String> parameterNames() {
        return Set.of("shared-name");
    }

    @Override
    public SessionStore create(StoreContext context) {
        Shared shared = store(context.parameter("shared-name").orElseThrow(
                () -> new IllegalArgumentException("shared-name is required")));
        shared.open(context);
        return shared;
    }

    /** The shared store; closing it from one node does nothing, as a database outlives a node. */
    public static final class Shared implements SessionStore {
        private volatile SessionStore delegate;
        private final List<String> idsAsked = new CopyOnWriteArrayList<>();
        private final List<String> calls = new CopyOnWriteArrayList<>();
        /** Each node's listener, as a database with change notices would tell every node. */
        private final List<SessionChangeListener> nodes = new CopyOnWriteArrayList<>();
        private volatile boolean failing;

        /** While failing, every call throws as a store whose database went away would. */
        public void failing(boolean failing) {
            this.failing = failing;
        }

        private void ask(String method, String id) {
            idsAsked.add(String.valueOf(id));
            calls.add(method + " " + id);
            if (failing) {
                throw new dev.tandem.session.spi.SessionStoreException("shared-test", id, "the test made the store fail", null);
            }
        }

        synchronized void open(StoreContext context) {
            if (delegate == null) {
                delegate = new MemoryStoreProvider().create(context);
            }
            nodes.add(context.changes());
        }

        /** Tells every node that opened this store that the session changed elsewhere, as a change notice would. */
        public void changedElsewhere(String id) {
            nodes.forEach(node -> node.changedElsewhere(id));
        }

        /** Changes the stored session behind every node's back, as another application would. */
        public long saveBehindTheNodes(SessionChange change) {
            return delegate.save(change);
        }

        /** Every call, as "method id" (load, version, save, touch, remove), in order. */
        public List<String> calls() {
            return calls;
        }

        /** Every id passed to any method, in order. */
        public List<String> idsAsked() {
            return idsAsked;
        }

        @Override
        public StoredSession load(String id) {
            ask("load", id);
            return delegate.load(id);
        }

        @Override
        public long version(String id) {
            ask("version", id);
            return delegate.version(id);
        }

        @Override
        public long save(SessionChange change) {
            ask("save", change.id());
            return delegate.save(change);
        }

        @Override
        public void touch(String id, long lastAccessedTime) {
            ask("touch", id);
            delegate.touch(id, lastAccessedTime);
        }

        @Override
        public void remove(String id) {
            ask("remove", id);
            delegate.remove(id);
        }

        @Override
        public List<String> sweepExpired(long now) {
            if (failing) {
                throw new dev.tandem.session.spi.SessionStoreException("shared-test", null, "the test made the store fail", null);
            }
            return delegate.sweepExpired(now);
        }

        @Override
        public void close() {
            // shared by the nodes of a test; it lives as long as the JVM
        }
    }
}
