package dev.tandem.session;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import java.util.Set;

/** {@code persistent-store=memory}: sessions live in this JVM only and are lost when it stops. */
public final class MemoryStoreProvider implements SessionStoreProvider {

    public MemoryStoreProvider() {}

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Set<String> parameterNames() {
        return Set.of();
    }

    @Override
    public SessionStore create(StoreContext context) {
        return new MemoryStore(context);
    }
}
