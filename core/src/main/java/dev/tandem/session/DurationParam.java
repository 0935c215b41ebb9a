package dev.tandem.session;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Reads a duration init-param: {@code 500ms}, {@code 5s}, {@code 15m}, {@code 2h}, {@code 1d}, or a
 * bare number in the param's own unit (minutes for {@code session-timeout}, as in web.xml).
 */
public final class DurationParam {
    private DurationParam() {}

    public static Duration parse(String param, String value, ChronoUnit bareUnit) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            char unit = v.isEmpty() ? ' ' : v.charAt(v.length() - 1);
            String number = v.substring(0, Math.max(0, v.length() - 1)).trim();
            switch (unit) {
                case 's': return Duration.ofSeconds(Long.parseLong(number));
                case 'm': return Duration.ofMinutes(Long.parseLong(number));
                case 'h': return Duration.ofHours(Long.parseLong(number));
                case 'd': return Duration.ofDays(Long.parseLong(number));
                default: return Duration.of(Long.parseLong(v), bareUnit);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(param + " must be a duration such as 500ms, 5s, 15m, 2h or a number of "
                    + bareUnit.toString().toLowerCase(Locale.ROOT) + ", got '" + value + "'");
        }
    }
}
