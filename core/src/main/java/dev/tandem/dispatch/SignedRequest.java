package dev.tandem.dispatch;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates control requests (agent load reports, drain, enable) with the cluster secret.
 *
 * <p>The sender adds {@code ts} (Unix time in seconds) and {@code sig}, the lowercase hex
 * HMAC-SHA256 under the secret of the canonical string
 * {@code METHOD + "\n" + HOST + "\n" + ACTION + "\n" + QUERY}, where HOST is the {@code Host} the
 * request is sent to, lower case (so a request signed for one web node cannot be replayed to
 * another), ACTION is {@code /agent}, {@code /drain} or
 * {@code /enable} and QUERY is every parameter but {@code sig}, sorted by name, as
 * {@code name=value} joined by {@code &} (values as sent, not decoded). A request is accepted if its
 * signature matches, its {@code ts} is within {@value #WINDOW_SECONDS} s of this node's clock, and
 * the same signature was not seen before (a replay within the window is refused).
 */
final class SignedRequest {
    static final long WINDOW_SECONDS = 60;

    private final byte[] secret;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();

    SignedRequest(String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The signature a sender adds: see the class comment. */
    static String sign(String secret, String method, String host, String action, Map<String, String> params) {
        return hmac(secret.getBytes(StandardCharsets.UTF_8), canonical(method, host, action, params));
    }

    /**
     * Checks a request.
     *
     * @param host the request's {@code Host} header
     * @param rawParams the query's parameters, undecoded
     * @return null if accepted, else why not (for the 403 answer)
     */
    String check(String method, String host, String action, Map<String, String> rawParams, long nowMillis) {
        String sig = rawParams.get("sig");
        String ts = rawParams.get("ts");
        if (sig == null || ts == null) {
            return "missing ts or sig parameter";
        }
        long t;
        try {
            t = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            return "ts is not a number";
        }
        if (Math.abs(nowMillis / 1000 - t) > WINDOW_SECONDS) {
            return "ts is more than " + WINDOW_SECONDS + " s away from this node's clock";
        }
        Map<String, String> signed = new TreeMap<>(rawParams);
        signed.remove("sig");
        String expected = hmac(secret, canonical(method, host, action, signed));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.US_ASCII))) {
            return "bad signature";
        }
        sweep(nowMillis);
        if (seen.putIfAbsent(sig, nowMillis) != null) {
            return "replayed request";
        }
        return null;
    }

    private void sweep(long nowMillis) {
        for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
            if (nowMillis - it.next() > 2 * WINDOW_SECONDS * 1000) {
                it.remove();
            }
        }
    }

    private static String canonical(String method, String host, String action, Map<String, String> params) {
        StringBuilder s = new StringBuilder(method).append('\n')
                .append(host == null ? "" : host.toLowerCase(java.util.Locale.ROOT)).append('\n')
                .append(action).append('\n');
        boolean first = true;
        for (Map.Entry<String, String> p : new TreeMap<>(params).entrySet()) {
            s.append(first ? "" : "&").append(p.getKey()).append('=').append(p.getValue());
            first = false;
        }
        return s.toString();
    }

    private static String hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
