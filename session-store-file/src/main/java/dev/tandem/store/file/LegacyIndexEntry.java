package dev.tandem.store.file;

/**
 * What the store keeps in memory per session: enough for {@code version()}, expiry and sweeping
 * without reading files, and where the session's chain of files stands: its base file
 * {@code <id>.<baseVersion>} of {@code baseLength} bytes and the delta files
 * {@code <id>.<baseVersion>.<v>} for each v up to {@code version}, {@code deltaBytes} in all.
 * {@code lost} is the highest version of a delta that was lost (corrupt, unreadable or after one
 * that was), else 0: then the next save writes a base, under a version above the lost ones, so that
 * no version number is given to two different records.
 *
 * <p>Used only to fold a directory of the per-file format that came before the session log into the
 * log ({@link Migration}).
 */
record LegacyIndexEntry(long version, long creationTime, long lastAccessedTime, int maxInactiveInterval,
                  long baseVersion, int baseLength, long deltaBytes, long lost) {

    /** A session held in its base file alone. */
    static LegacyIndexEntry ofBase(LegacyBaseFormat.Header header) {
        return new LegacyIndexEntry(header.version(), header.creationTime(), header.lastAccessedTime(),
                header.maxInactiveInterval(), header.version(), header.length(), 0, 0);
    }

    LegacyIndexEntry withLastAccessedTime(long time) {
        return new LegacyIndexEntry(version, creationTime, time, maxInactiveInterval, baseVersion, baseLength, deltaBytes,
                lost);
    }

    /** This entry after the deltas up to version {@code lost} were lost. */
    LegacyIndexEntry withLost(long lostVersion) {
        return new LegacyIndexEntry(version, creationTime, lastAccessedTime, maxInactiveInterval, baseVersion, baseLength,
                deltaBytes, Math.max(lost, lostVersion));
    }

    boolean broken() {
        return lost > 0;
    }

    /** The version the next save gets: one above every version given so far. */
    long nextVersion() {
        return Math.max(version, lost) + 1;
    }

    long deltaCount() {
        return version - baseVersion;
    }

    /** The same rule as {@link dev.tandem.session.spi.StoredSession#isExpiredAt}. */
    boolean isExpiredAt(long now) {
        return maxInactiveInterval > 0 && lastAccessedTime + maxInactiveInterval * 1000L < now;
    }
}
