package dev.tandem.store.file;

/**
 * What the store keeps in memory per session: enough for {@code version()}, expiry and sweeping
 * without reading files, and where the session's chain of files stands: its base file
 * {@code <id>.<baseVersion>} of {@code baseLength} bytes and the delta files
 * {@code <id>.<baseVersion>.<v>} for each v up to {@code version}, {@code deltaBytes} in all.
 * {@code broken} says that a delta was lost (corrupt or unreadable), so the next save writes a base.
 */
record IndexEntry(long version, long creationTime, long lastAccessedTime, int maxInactiveInterval,
                  long baseVersion, int baseLength, long deltaBytes, boolean broken) {

    /** A session held in its base file alone. */
    static IndexEntry ofBase(SessionFileFormat.Header header) {
        return new IndexEntry(header.version(), header.creationTime(), header.lastAccessedTime(),
                header.maxInactiveInterval(), header.version(), header.length(), 0, false);
    }

    IndexEntry withLastAccessedTime(long time) {
        return new IndexEntry(version, creationTime, time, maxInactiveInterval, baseVersion, baseLength, deltaBytes,
                broken);
    }

    IndexEntry asBroken() {
        return new IndexEntry(version, creationTime, lastAccessedTime, maxInactiveInterval, baseVersion, baseLength,
                deltaBytes, true);
    }

    long deltaCount() {
        return version - baseVersion;
    }

    /** The same rule as {@link dev.tandem.session.spi.StoredSession#isExpiredAt}. */
    boolean isExpiredAt(long now) {
        return maxInactiveInterval > 0 && lastAccessedTime + maxInactiveInterval * 1000L < now;
    }
}
