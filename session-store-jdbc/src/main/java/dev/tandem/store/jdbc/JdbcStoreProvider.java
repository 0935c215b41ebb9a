package dev.tandem.store.jdbc;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import java.util.Optional;
import java.util.Set;

/**
 * {@code persistent-store=jdbc}: sessions in a database, shared by every node that uses it. With
 * {@code data-source} (a JNDI name) or {@code jdbc-url}, any database; with neither, an embedded
 * H2 file database under {@code path}. With {@code cluster} (and {@code server-id},
 * {@code cluster-secret}), a server that writes a session owned by another tells the owner over the
 * cluster port ({@link ChangeNotices}). The README lists every param.
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
        Optional<ChangeNotices> notices = Optional.empty();
        try {
            notices = ChangeNotices.open(context.webApp(), context.parameters(), context.changes());
            return new JdbcStore(context, config, source, notices);
        } catch (RuntimeException e) {
            notices.ifPresent(ChangeNotices::close);
            source.close();
            throw e;
        }
    }
}
