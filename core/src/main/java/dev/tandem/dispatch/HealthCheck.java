package dev.tandem.dispatch;

import dev.tandem.session.DurationParam;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The {@code health-check} init-param: {@code PATH INTERVAL [GOOD-CHECKS]}, e.g. {@code /health 10s}
 * or {@code /health 10s 3}. A server that fails a check is down at once; it is up again after
 * {@code goodChecks} consecutive good checks (2xx or 3xx).
 */
record HealthCheck(String path, Duration interval, int goodChecks) {
    static final String FORM = "PATH INTERVAL [GOOD-CHECKS], e.g. /health 10s 2";

    static HealthCheck parse(String param, String value) {
        String[] parts = value.trim().split("\\s+");
        if (parts.length < 2 || parts.length > 3 || !parts[0].startsWith("/")) {
            throw new IllegalArgumentException(param + " must be " + FORM + ", got '" + value + "'");
        }
        Duration interval = DurationParam.parse(param, parts[1], ChronoUnit.SECONDS);
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException(param + ": the interval must be positive, got '" + parts[1] + "'");
        }
        int good = 2;
        if (parts.length == 3) {
            try {
                good = Integer.parseInt(parts[2]);
            } catch (NumberFormatException e) {
                good = 0;
            }
            if (good < 1) {
                throw new IllegalArgumentException(param + ": GOOD-CHECKS must be a whole number of at least 1, got '"
                        + parts[2] + "' (form: " + FORM + ")");
            }
        }
        return new HealthCheck(parts[0], interval, good);
    }

    @Override
    public String toString() {
        return path + " " + interval.toMillis() + "ms " + goodChecks;
    }
}
