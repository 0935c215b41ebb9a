package dev.tandem.store.file;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreContract;
import dev.tandem.session.spi.StoreContext;

/** The file store against core's store contract, restarts included. */
class FileStoreContractTest extends SessionStoreContract {

    @Override
    protected SessionStore createStore(StoreContext context) {
        return new FileStoreProvider().create(context);
    }

    @Override
    protected SessionStore restart(SessionStore store, StoreContext context) {
        return new FileStoreProvider().create(context);
    }
}
