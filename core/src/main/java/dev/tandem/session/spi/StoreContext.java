package dev.tandem.session.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a store is given when it is made: the web-app it serves, the init-params (only those the
 * provider declared, plus the core ones), the clock, the default session timeout (for tombstones),
 * the web-app's class loader, and whom to tell when a session changes elsewhere.
 *
 * @param webApp a stable name of the web-app (its context path, {@code ROOT} for the root),
 *     safe to use in a file name
 * @param changes told when this store learns that a session changed or was removed other than by
 *     this node's requests, so core drops its cached copy; a store may call it from any thread
 */
public record StoreContext(
        String webApp,
        Map<String, String> parameters,
        Clock clock,
        Duration sessionTimeout,
        ClassLoader classLoader,
        SessionChangeListener changes) {

    public StoreContext {
        parameters = Map.copyOf(parameters);
        if (changes == null) {
            changes = SessionChangeListener.NONE;
        }
    }

    /** A context whose store reports changes elsewhere to no one (tests, a store inside another store). */
    public StoreContext(String webApp, Map<String, String> parameters, Clock clock, Duration sessionTimeout,
            ClassLoader classLoader) {
        this(webApp, parameters, clock, sessionTimeout, classLoader, SessionChangeListener.NONE);
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }
}
