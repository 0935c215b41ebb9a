package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreContract;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The memory store keeps nothing across a restart, so the contract's restart tests are skipped. */
class MemoryStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore createStore(StoreContext context) {
        return new MemoryStoreProvider().create(context);
    }

    @Test
    void theProviderIsFoundByItsNameWithNoParameters() {
        SessionStoreProvider provider = ServiceLoader.load(SessionStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(candidate -> candidate.name().equals("memory"))
                .findFirst()
                .orElseThrow();

        assertInstanceOf(MemoryStoreProvider.class, provider);
        assertEquals(Set.of(), provider.parameterNames());
    }

    @Test
    void aSaveIsAcceptedAgainOnceTheTombstoneIsSweptAway() {
        SessionStore store = openStore();
        String id = newId();
        store.remove(id);

        clock.advance(SESSION_TIMEOUT.plus(Duration.ofSeconds(1)));
        store.sweepExpired(clock.millis());

        long now = clock.millis();
        assertEquals(1, store.save(new SessionChange(id, now, now, 60, Map.of(), Set.of())));
    }
}
