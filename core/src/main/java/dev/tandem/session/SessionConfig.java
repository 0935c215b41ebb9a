package dev.tandem.session;

import dev.tandem.serial.ClassFilter;
import dev.tandem.serial.Serialization;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The session filter's configuration, read once from its init-params and checked as a whole.
 * Every param is documented in the README's table.
 *
 * @param sessionTimeout zero or negative: sessions never expire (the Servlet API's meaning)
 * @param storeParameters the params that belong to the store, handed to it untouched
 */
public record SessionConfig(
        String persistentStore,
        boolean alwaysLoadSession,
        boolean alwaysSaveSession,
        boolean saveOnlyOnShutdown,
        Duration sessionTimeout,
        int maxSessionsInMemory,
        Serialization serialization,
        ClassFilter serializationFilter,
        List<String> listeners,
        Optional<String> cookieName,
        boolean cookieHttpOnly,
        Duration reaperInterval,
        Map<String, String> storeParameters) {

    public static final String PERSISTENT_STORE = "persistent-store";
    public static final String ALWAYS_LOAD_SESSION = "always-load-session";
    public static final String ALWAYS_SAVE_SESSION = "always-save-session";
    public static final String SAVE_ONLY_ON_SHUTDOWN = "save-only-on-shutdown";
    public static final String SESSION_TIMEOUT = "session-timeout";
    public static final String MAX_SESSIONS_IN_MEMORY = "max-sessions-in-memory";
    public static final String SERIALIZATION = "serialization";
    public static final String SERIALIZATION_FILTER = "serialization-filter";
    public static final String LISTENERS = "listeners";
    public static final String COOKIE_NAME = "cookie-name";
    public static final String COOKIE_HTTP_ONLY = "cookie-http-only";
    public static final String REAPER_INTERVAL = "reaper-interval";

    static final Set<String> CORE_PARAMETERS = Set.of(PERSISTENT_STORE, ALWAYS_LOAD_SESSION, ALWAYS_SAVE_SESSION,
            SAVE_ONLY_ON_SHUTDOWN, SESSION_TIMEOUT, MAX_SESSIONS_IN_MEMORY, SERIALIZATION, SERIALIZATION_FILTER,
            LISTENERS, COOKIE_NAME, COOKIE_HTTP_ONLY, REAPER_INTERVAL);

    /** Resin's default memory cache size. */
    static final int DEFAULT_MAX_SESSIONS_IN_MEMORY = 4096;

    public SessionConfig {
        listeners = List.copyOf(listeners);
        storeParameters = Map.copyOf(storeParameters);
    }

    /**
     * Reads the init-params.
     *
     * @param containerTimeoutMinutes the container's {@code ServletContext.getSessionTimeout()}
     * @param storeParameterNames the params the chosen store declares
     * @throws IllegalArgumentException naming the offending param, its value and what to do
     */
    public static SessionConfig parse(Map<String, String> params, int containerTimeoutMinutes,
                                      Set<String> storeParameterNames) {
        Set<String> known = new TreeSet<>(CORE_PARAMETERS);
        known.addAll(storeParameterNames);
        for (String name : params.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown init-param '" + name + "' for the session filter with "
                        + PERSISTENT_STORE + "=" + params.getOrDefault(PERSISTENT_STORE, "memory")
                        + "; known params: " + String.join(", ", known));
            }
        }
        Map<String, String> storeParameters = new HashMap<>();
        params.forEach((k, v) -> {
            if (storeParameterNames.contains(k)) {
                storeParameters.put(k, v);
            }
        });

        boolean alwaysLoad = bool(params, ALWAYS_LOAD_SESSION);
        boolean alwaysSave = bool(params, ALWAYS_SAVE_SESSION);
        boolean onlyOnShutdown = bool(params, SAVE_ONLY_ON_SHUTDOWN);
        if (onlyOnShutdown && (alwaysSave || alwaysLoad)) {
            throw new IllegalArgumentException(SAVE_ONLY_ON_SHUTDOWN + "=true cannot be combined with "
                    + (alwaysSave ? ALWAYS_SAVE_SESSION : ALWAYS_LOAD_SESSION)
                    + "=true: the store is written only when the web-app stops; drop one of them");
        }

        Duration timeout = value(params, SESSION_TIMEOUT)
                .map(v -> DurationParam.parse(SESSION_TIMEOUT, v, ChronoUnit.MINUTES))
                .orElse(Duration.ofMinutes(containerTimeoutMinutes));
        if (!timeout.isNegative() && !timeout.isZero() && timeout.toSeconds() < 1) {
            throw new IllegalArgumentException(SESSION_TIMEOUT + " must be at least 1s, got '" + params.get(SESSION_TIMEOUT) + "'");
        }

        int maxInMemory = value(params, MAX_SESSIONS_IN_MEMORY).map(v -> {
            try {
                int n = Integer.parseInt(v);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(MAX_SESSIONS_IN_MEMORY + " must be a whole number of at least 1, got '" + v + "'");
        }).orElse(DEFAULT_MAX_SESSIONS_IN_MEMORY);

        Serialization serialization = value(params, SERIALIZATION).map(Serialization::parse).orElse(Serialization.KRYO);
        ClassFilter filter = ClassFilter.of(params.get(SERIALIZATION_FILTER));

        List<String> listeners = new ArrayList<>();
        value(params, LISTENERS).ifPresent(v -> Arrays.stream(v.split("[,\\s]+"))
                .filter(s -> !s.isEmpty()).forEach(listeners::add));

        Optional<String> cookieName = value(params, COOKIE_NAME);
        cookieName.ifPresent(n -> {
            if (!n.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                throw new IllegalArgumentException(COOKIE_NAME + " must be a cookie token (letters, digits, !#$%&'*+.^_`|~-), got '" + n + "'");
            }
        });

        // HttpOnly unless turned off here: a container's SessionCookieConfig that nobody configured says
        // false on Tomcat and Jetty, and cannot tell that from a web.xml that set it false on Jetty.
        boolean cookieHttpOnly = value(params, COOKIE_HTTP_ONLY).isEmpty() || bool(params, COOKIE_HTTP_ONLY);

        Duration reaper = value(params, REAPER_INTERVAL)
                .map(v -> DurationParam.parse(REAPER_INTERVAL, v, ChronoUnit.SECONDS))
                .orElse(Duration.ofSeconds(60));
        if (reaper.toMillis() < 10) {
            throw new IllegalArgumentException(REAPER_INTERVAL + " must be at least 10ms, got '" + params.get(REAPER_INTERVAL) + "'");
        }

        return new SessionConfig(params.getOrDefault(PERSISTENT_STORE, "memory").trim(), alwaysLoad, alwaysSave,
                onlyOnShutdown, timeout, maxInMemory, serialization, filter, listeners, cookieName,
                cookieHttpOnly, reaper, storeParameters);
    }

    /** The session timeout as the Servlet API's max inactive interval in seconds (zero or less: never). */
    public int maxInactiveIntervalSeconds() {
        if (sessionTimeout.isZero() || sessionTimeout.isNegative()) {
            return -1;
        }
        return (int) Math.min(Integer.MAX_VALUE, sessionTimeout.toSeconds());
    }

    /** One line for the start-up log, with every value that could be a secret masked. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(PERSISTENT_STORE).append('=').append(persistentStore)
                .append(' ').append(ALWAYS_LOAD_SESSION).append('=').append(alwaysLoadSession)
                .append(' ').append(ALWAYS_SAVE_SESSION).append('=').append(alwaysSaveSession)
                .append(' ').append(SAVE_ONLY_ON_SHUTDOWN).append('=').append(saveOnlyOnShutdown)
                .append(' ').append(SESSION_TIMEOUT).append('=').append(sessionTimeout)
                .append(' ').append(MAX_SESSIONS_IN_MEMORY).append('=').append(maxSessionsInMemory)
                .append(' ').append(SERIALIZATION).append('=').append(serialization.name().toLowerCase(Locale.ROOT))
                .append(' ').append(SERIALIZATION_FILTER).append('=').append(
                        serializationFilter.pattern().equals(ClassFilter.defaultFilter().pattern())
                                ? "(default: known deserialization gadgets refused)" : serializationFilter.pattern())
                .append(' ').append(REAPER_INTERVAL).append('=').append(reaperInterval);
        cookieName.ifPresent(n -> s.append(' ').append(COOKIE_NAME).append('=').append(n));
        if (!cookieHttpOnly) {
            s.append(' ').append(COOKIE_HTTP_ONLY).append("=false");
        }
        if (!listeners.isEmpty()) {
            s.append(' ').append(LISTENERS).append('=').append(String.join(",", listeners));
        }
        new TreeSet<>(storeParameters.keySet()).forEach(k -> s.append(' ').append(k).append('=')
                .append(isSecret(k) ? "****" : dev.tandem.session.spi.LogSafe.mask(storeParameters.get(k))));
        return s.toString();
    }

    private static boolean isSecret(String name) {
        return name.contains("secret") || name.contains("password");
    }

    private static Optional<String> value(Map<String, String> params, String name) {
        return Optional.ofNullable(params.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static boolean bool(Map<String, String> params, String name) {
        return value(params, name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
        }).orElse(false);
    }
}
