package dev.tandem.session;

import dev.tandem.session.spi.SessionStoreException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a store outage once when it starts and once when it ends, not once per request. */
final class StoreHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);

    private final String webApp;
    private final String storeName;
    private final AtomicBoolean healthy = new AtomicBoolean(true);

    StoreHealth(String webApp, String storeName) {
        this.webApp = webApp;
        this.storeName = storeName;
    }

    /** Whether the last store operation failed. */
    boolean failing() {
        return !healthy.get();
    }

    void works() {
        if (healthy.compareAndSet(false, true)) {
            LOG.info("[{}] the {} store works again", webApp, storeName);
        }
    }

    void failed(String operation, String id, RuntimeException e) {
        if (healthy.compareAndSet(true, false)) {
            LOG.error("[{}] the {} store failed ({} of session {}); sessions are served from memory and unsaved "
                    + "changes are retried in the background. Further failures are logged at DEBUG until it works again",
                    webApp, storeName, operation, SessionStoreException.shorten(id), e);
        } else {
            LOG.debug("[{}] the {} store still fails ({} of session {})", webApp, storeName, operation,
                    SessionStoreException.shorten(id), e);
        }
    }
}
