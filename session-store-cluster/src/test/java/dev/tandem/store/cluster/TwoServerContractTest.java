package dev.tandem.store.cluster;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreContract;
import dev.tandem.session.spi.StoreContext;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * Core's store contract driven through server {@code a} of a two-server cluster in this JVM: every
 * save is backed up on {@code b} over real TCP, and a restart of {@code a} recovers with {@code b} up.
 */
class TwoServerContractTest extends SessionStoreContract {
    private TestCluster cluster;

    private TestCluster cluster() {
        if (cluster == null) {
            cluster = new TestCluster(directory.resolve("cluster"), 2, Map.of());
        }
        return cluster;
    }

    @Override
    protected Map<String, String> parameters() {
        Map<String, String> p = new HashMap<>(cluster().parameters(0));
        p.put("path", directory.resolve("a/b/sessions").toString());
        return p;
    }

    @Override
    protected SessionStore createStore(StoreContext context) {
        if (cluster().node(1) == null) {
            cluster().start(1);
        }
        return new ClusterStoreProvider().create(context);
    }

    @Override
    protected SessionStore restart(SessionStore store, StoreContext context) {
        return new ClusterStoreProvider().create(context);
    }

    @AfterEach
    void stopServerB() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
