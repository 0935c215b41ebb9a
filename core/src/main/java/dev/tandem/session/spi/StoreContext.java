package dev.tandem.session.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a store is given when it is made: the web-app it serves, the init-params (only those the
 * provider declared, plus the core ones), the clock, the default session timeout (for tombstones)
 * and the web-app's class loader.
 *
 * @param webApp a stable name of the web-app (its context path, {@code ROOT} for the root),
 *     safe to use in a file name
 */
public record StoreContext(
        String webApp,
        Map<String, String> parameters,
        Clock clock,
        Duration sessionTimeout,
        ClassLoader classLoader) {

    public StoreContext {
        parameters = Map.copyOf(parameters);
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }
}
