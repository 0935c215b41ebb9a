package dev.tandem.store.cluster;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreContract;
import dev.tandem.session.spi.StoreContext;
import java.util.Map;

/** The cluster store on a one-server cluster (owner = backup = itself, no network) against core's store contract. */
class SingleServerContractTest extends SessionStoreContract {
    private final String list = "a=127.0.0.1:" + TestCluster.freePort();

    @Override
    protected Map<String, String> parameters() {
        return Map.of("path", directory.resolve("a/b/sessions").toString(), "cluster", list, "server-id", "a");
    }

    @Override
    protected SessionStore createStore(StoreContext context) {
        return new ClusterStoreProvider().create(context);
    }

    @Override
    protected SessionStore restart(SessionStore store, StoreContext context) {
        return new ClusterStoreProvider().create(context);
    }
}
