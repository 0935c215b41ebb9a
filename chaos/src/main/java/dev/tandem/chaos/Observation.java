package dev.tandem.chaos;

import java.util.HashSet;
import java.util.Set;

/**
 * One response of the {@link LedgerServlet}, parsed: the session's token and values and the node
 * that served it. {@code token} is null for {@code none} (no session) and for a logout's answer
 * carries the token of the session just invalidated.
 */
record Observation(String token, int counter, long a, long b, Set<Integer> cart, String node, boolean invalidated) {

    static Observation parse(String body) {
        String line = body.strip();
        String token = null;
        int counter = 0;
        long a = 0;
        long b = 0;
        Set<Integer> cart = new HashSet<>();
        String node = "?";
        boolean invalidated = line.startsWith("invalidated ");
        if (!line.startsWith("token=") && !line.startsWith("none") && !invalidated) {
            throw new IllegalArgumentException("not a ledger answer: " + abbreviate(line));
        }
        for (String field : line.split(" ")) {
            int eq = field.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String value = field.substring(eq + 1);
            switch (field.substring(0, eq)) {
                case "token" -> token = value;
                case "counter" -> counter = Integer.parseInt(value);
                case "a" -> a = Long.parseLong(value);
                case "b" -> b = Long.parseLong(value);
                case "cart" -> {
                    for (String item : value.split(",")) {
                        if (!item.isEmpty()) {
                            cart.add(Integer.parseInt(item));
                        }
                    }
                }
                case "node" -> node = value;
                default -> { }
            }
        }
        return new Observation(token, counter, a, b, cart, node, invalidated);
    }

    private static String abbreviate(String line) {
        return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }
}
