package dev.tandem.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code cluster-secret}: it can sign a handshake, and nothing else. It never prints (so a
 * config logged at start-up cannot leak it) and its bytes never leave this package.
 */
public final class ClusterSecret {
    private static final String HMAC = "HmacSHA256";
    /** One per JVM, so that the web-apps of a single-server JVM agree on it and share one endpoint. */
    private static final ClusterSecret RANDOM = random(new SecureRandom());

    private final byte[] key;
    private final boolean random;

    private ClusterSecret(byte[] key, boolean random) {
        this.key = key;
        this.random = random;
    }

    static ClusterSecret of(String secret) {
        return new ClusterSecret(secret.getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * A secret nobody else knows, for a single-server cluster: no peer exists, so no connection
     * should ever authenticate.
     */
    static ClusterSecret random() {
        return RANDOM;
    }

    private static ClusterSecret random(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return new ClusterSecret(key, true);
    }

    /** HMAC-SHA256 over {@code parts}, in order. */
    byte[] sign(byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + HMAC, e);
        }
    }

    @Override
    public boolean equals(Object o) {
        // Constant time, like every comparison that involves the secret.
        return o instanceof ClusterSecret other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return 0; // no hash that could hint at the secret; configs are compared rarely
    }

    @Override
    public String toString() {
        return random ? "(none: single server)" : "****";
    }
}
