package dev.tandem.benchmarks.save;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The session of the save benchmarks: the file-store benchmark's, about 2 KiB serialized. */
final class SessionContentForSaves {
    private SessionContentForSaves() {}

    static Map<String, Object> attributes(int session) {
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

    /** Bytes of the whole session as its attributes encode: what a raw operation writes. */
    static int encodedSize(int session) {
        return TandemSaves.encoded(session).values().stream().mapToInt(b -> b.length + 16).sum();
    }
}
