package dev.tandem.session;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids: {@code <owner><backup><random>}, exactly 24 characters. Owner and backup are one
 * character each from the server-index alphabet ({@code a} = the first server of the cluster list);
 * {@code random} is 128 bits from {@link SecureRandom} in base64url without padding (22 characters).
 * Anything else is not a session id, and is treated as "no session" before it reaches a store.
 */
public final class SessionId {
    /** Server index alphabet; the same 64 characters as base64url, in index order. */
    public static final String ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_";
    public static final int LENGTH = 24;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private SessionId() {}

    /** A fresh id with the given two-character owner-and-backup prefix. */
    public static String generate(String ownerAndBackup) {
        if (ownerAndBackup.length() != 2
                || indexOf(ownerAndBackup.charAt(0)) < 0
                || indexOf(ownerAndBackup.charAt(1)) < 0) {
            throw new IllegalArgumentException("owner and backup prefix must be two characters of "
                    + ALPHABET + ", got '" + ownerAndBackup + "'");
        }
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return ownerAndBackup + ENCODER.encodeToString(random);
    }

    /** The character that stands for server {@code index} (0 = the first server). */
    public static char serverChar(int index) {
        if (index < 0 || index >= ALPHABET.length()) {
            throw new IllegalArgumentException("server index " + index + " is outside 0.." + (ALPHABET.length() - 1));
        }
        return ALPHABET.charAt(index);
    }

    /** Whether {@code id} is exactly 24 characters of the alphabet; cheap, allocation-free. */
    public static boolean isWellFormed(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            if (indexOf(id.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code id} itself if well formed; otherwise an {@link IllegalArgumentException} that does not echo it whole. */
    public static String requireWellFormed(String id) {
        if (!isWellFormed(id)) {
            String shown = id == null ? "null" : id.length() > 30 ? id.substring(0, 30) + "… (" + id.length() + " chars)" : id;
            throw new IllegalArgumentException("not a session id: '" + shown + "'; an id is "
                    + LENGTH + " characters of [a-zA-Z0-9_-]");
        }
        return id;
    }

    /** The owner's server index of a well-formed id. */
    public static int ownerIndex(String id) {
        return indexOf(requireWellFormed(id).charAt(0));
    }

    /** The backup's server index of a well-formed id. */
    public static int backupIndex(String id) {
        return indexOf(requireWellFormed(id).charAt(1));
    }

    /** The server index a character stands for, or -1 if it is not in the alphabet. */
    public static int indexOf(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        if (c >= 'A' && c <= 'Z') {
            return 26 + c - 'A';
        }
        if (c >= '0' && c <= '9') {
            return 52 + c - '0';
        }
        if (c == '-') {
            return 62;
        }
        if (c == '_') {
            return 63;
        }
        return -1;
    }
}
