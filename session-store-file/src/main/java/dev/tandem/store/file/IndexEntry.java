package dev.tandem.store.file;

/**
 * What the store keeps in memory per session (72 bytes with the object header, as the per-file
 * store's entry): enough for {@code version()}, expiry and sweeping without reading the log, and
 * where the session's chain stands in it: its base record at {@code basePosition} of
 * {@code baseLength} bytes and {@code deltaCount} delta records after it, {@code deltaBytes} in
 * all, the newest at {@code tipPosition} (each delta points back to the one before it).
 * {@code lostAbove} is how many versions above {@code version} were given to deltas that were later
 * lost (corrupt, or after one that was), else 0: then the next save writes a base above them, so
 * that no version number is given to two different records.
 */
record IndexEntry(long version, long creationTime, long lastAccessedTime, int maxInactiveInterval,
                  long basePosition, long tipPosition, int baseLength, int deltaCount, int deltaBytes,
                  int lostAbove) {

    /** A session whose chain is the base record just written at {@code position}. */
    static IndexEntry ofBase(long version, long creationTime, long lastAccessedTime, int maxInactiveInterval,
                             long position, int length) {
        return new IndexEntry(version, creationTime, lastAccessedTime, maxInactiveInterval, position, position,
                length, 0, 0, 0);
    }

    /** This chain with the delta of {@code version} at {@code position} on top. */
    IndexEntry plusDelta(long nextVersion, long creation, long lastAccess, int interval, long position,
                         int length) {
        return new IndexEntry(nextVersion, creation, lastAccess, interval, basePosition, position, baseLength,
                deltaCount + 1, deltaBytes + length, 0);
    }

    IndexEntry withLastAccessedTime(long time) {
        return new IndexEntry(version, creationTime, time, maxInactiveInterval, basePosition, tipPosition,
                baseLength, deltaCount, deltaBytes, lostAbove);
    }

    /** This entry after deltas up to version {@code lostVersion} were given and lost. */
    IndexEntry withLost(long lostVersion) {
        long above = Math.max(lostAbove, lostVersion - version);
        return new IndexEntry(version, creationTime, lastAccessedTime, maxInactiveInterval, basePosition,
                tipPosition, baseLength, deltaCount, deltaBytes, (int) Math.min(Integer.MAX_VALUE, above));
    }

    long baseVersion() {
        return version - deltaCount;
    }

    boolean broken() {
        return lostAbove > 0;
    }

    /** The version the next save gets: one above every version given so far. */
    long nextVersion() {
        return version + lostAbove + 1;
    }

    /** The same rule as {@link dev.tandem.session.spi.StoredSession#isExpiredAt}. */
    boolean isExpiredAt(long now) {
        return maxInactiveInterval > 0 && lastAccessedTime + maxInactiveInterval * 1000L < now;
    }
}
