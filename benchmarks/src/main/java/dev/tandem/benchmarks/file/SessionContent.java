package dev.tandem.benchmarks.file;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The same session for every store: a few small attributes and a payload, about 2 KiB serialized. */
public final class SessionContent {
    static final int MAX_INACTIVE_SECONDS = 1800;

    private SessionContent() {}

    public static Map<String, Object> attributes(int session) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("user", "user" + session + "@example.com");
        attributes.put("locale", "en-GB");
        List<String> cart = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            cart.add("sku-" + (session * 31 + i));
        }
        attributes.put("cart", cart);
        attributes.put("counter", 0);
        byte[] payload = new byte[1800];
        new Random(session).nextBytes(payload);
        attributes.put("payload", payload);
        return attributes;
    }
}
