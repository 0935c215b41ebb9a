package dev.tandem.store.jdbc;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import java.util.Set;

/**
 * {@code persistent-store=jdbc}: sessions in a database, shared by every node that uses it. With
 * {@code data-source} (a JNDI name) or {@code jdbc-url}, any database; with neither, an embedded
 * H2 file database under {@code path}. The README lists every param.
 */
public final class JdbcStoreProvider implements SessionStoreProvider {

    public JdbcStoreProvider() {}

    @Override
    public String name() {
        return JdbcStore.NAME;
    }

    @Override
    public Set<String> parameterNames() {
        return JdbcStoreConfig.PARAMETERS;
    }

    @Override
    public SessionStore create(StoreContext context) {
        JdbcStoreConfig config = JdbcStoreConfig.parse(context);
        StoreDataSource source = StoreDataSource.open(config, context.webApp(), context.classLoader());
        try {
            return new JdbcStore(context, config, source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }
}
