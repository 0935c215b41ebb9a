package dev.tandem.store.file;

/**
 * What the store keeps in memory per session: enough for {@code version()}, expiry and sweeping
 * without reading the file, and the file's length so that a load reads it in one go.
 */
record IndexEntry(long version, long creationTime, long lastAccessedTime, int maxInactiveInterval, int length) {

    static IndexEntry of(SessionFileFormat.Header header) {
        return new IndexEntry(header.version(), header.creationTime(), header.lastAccessedTime(),
                header.maxInactiveInterval(), header.length());
    }

    IndexEntry withLastAccessedTime(long time) {
        return new IndexEntry(version, creationTime, time, maxInactiveInterval, length);
    }

    /** The same rule as {@link dev.tandem.session.spi.StoredSession#isExpiredAt}. */
    boolean isExpiredAt(long now) {
        return maxInactiveInterval > 0 && lastAccessedTime + maxInactiveInterval * 1000L < now;
    }
}
