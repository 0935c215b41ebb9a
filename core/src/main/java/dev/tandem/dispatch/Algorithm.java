package dev.tandem.dispatch;

import java.util.Arrays;
import java.util.Locale;

/** How a pool picks a server for a request that no session pins: the {@code algorithm} init-param. */
enum Algorithm {
    ROUND_ROBIN("round-robin"),
    WEIGHTED("weighted"),
    LEAST_CONNECTIONS("least-connections"),
    PRIORITY("priority"),
    DYNAMIC("dynamic");

    final String param;

    Algorithm(String param) {
        this.param = param;
    }

    static Algorithm parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Algorithm a : values()) {
            if (a.param.equals(v)) {
                return a;
            }
        }
        throw new IllegalArgumentException("algorithm must be one of "
                + Arrays.stream(values()).map(a -> a.param).toList() + ", got '" + value + "'");
    }

    @Override
    public String toString() {
        return param;
    }
}
