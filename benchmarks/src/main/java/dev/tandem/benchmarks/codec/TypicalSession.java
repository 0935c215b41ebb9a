package dev.tandem.benchmarks.codec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A typical session's attributes: a user object, a locale, a cart of 8 items, a counter, a 1,800-byte payload. */
final class TypicalSession {
    private TypicalSession() {}

    /** A web-app's own serializable class, as sessions usually hold. */
    static final class UserProfile implements Serializable {
        private static final long serialVersionUID = 1L;
        String name;
        String email;
        List<String> roles;
        long lastLogin;
        boolean verified;

        UserProfile() {}
    }

    static Map<String, Object> attributes() {
        Map<String, Object> attributes = new LinkedHashMap<>();
        UserProfile user = new UserProfile();
        user.name = "Ada Lovelace";
        user.email = "ada@example.com";
        user.roles = new ArrayList<>(List.of("customer", "beta"));
        user.lastLogin = 1_763_000_000_000L;
        user.verified = true;
        attributes.put("user", user);
        attributes.put("locale", "en-GB");
        List<String> cart = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            cart.add("sku-" + (31 + i));
        }
        attributes.put("cart", cart);
        attributes.put("counter", 42);
        byte[] payload = new byte[1800];
        new Random(1).nextBytes(payload);
        attributes.put("payload", payload);
        return attributes;
    }
}
