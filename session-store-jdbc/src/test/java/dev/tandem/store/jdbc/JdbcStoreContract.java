package dev.tandem.store.jdbc;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreContract;
import dev.tandem.session.spi.StoreContext;
import java.util.UUID;

/**
 * Core's store contract on one database. Each test gets a web-app name of its own, so that the
 * tests of a class share the tables yet never see each other's sessions (the sweep tests count).
 * A restart is a new store over the same database.
 */
abstract class JdbcStoreContract extends SessionStoreContract {
    private final String webApp = "app-" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    protected StoreContext context() {
        return new StoreContext(webApp, parameters(), clock, SESSION_TIMEOUT, getClass().getClassLoader());
    }

    @Override
    protected SessionStore createStore(StoreContext context) {
        return new JdbcStoreProvider().create(context);
    }

    @Override
    protected SessionStore restart(SessionStore store, StoreContext context) {
        return createStore(context);
    }
}
