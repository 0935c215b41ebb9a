package dev.tandem.session;

import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * A 64-bit fingerprint of an attribute's bytes, taken when it is loaded or saved, so that a save
 * can skip attributes whose bytes did not change (Resin compared CRCs; we do it per attribute).
 * Two different hardware-accelerated CRCs side by side: cheap, and a collision needs both to collide.
 */
final class Fingerprint {
    private Fingerprint() {}

    static long of(byte[] bytes) {
        CRC32C c = new CRC32C();
        c.update(bytes);
        CRC32 d = new CRC32();
        d.update(bytes);
        return (c.getValue() << 32) ^ d.getValue() ^ ((long) bytes.length << 17);
    }
}
