package dev.tandem.store.cluster;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.store.file.CopyLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The disk copy in production: one session log ({@link CopyLog}) under {@code <path>/log}, whose
 * records carry the cluster version and what of it is acknowledged, whose tombstones are the
 * removals, and whose notices records are what peers missed.
 */
final class LogCopy implements DiskCopy {
    private final CopyLog log;
    private final Clock clock;
    private final Duration tombstoneTime;

    private LogCopy(CopyLog log, Clock clock, Duration tombstoneTime) {
        this.log = log;
        this.clock = clock;
        this.tombstoneTime = tombstoneTime;
    }

    /**
     * Opens the log under {@code path} for the context's web-app, folding in a disk copy of the
     * format before it ({@link LegacyDiskCopy}); {@code peers} name the records of its notices.
     */
    static LogCopy open(StoreContext context, Path path, Collection<String> peers, String prefix) {
        CopyLog log = CopyLog.open(at(context, path.resolve("log")));
        try {
            LegacyDiskCopy.fold(context, path, log, peers, prefix);
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        return new LogCopy(log, context.clock(), context.sessionTimeout());
    }

    /** The context with {@code path} as the directory of the stores the file store package opens. */
    static StoreContext at(StoreContext context, Path path) {
        return new StoreContext(context.webApp(), Map.of("path", path.toString()), context.clock(),
                context.sessionTimeout(), context.classLoader());
    }

    @Override
    public StoredSession read(String id) {
        return log.load(id);
    }

    @Override
    public long version(String id) {
        return log.version(id);
    }

    @Override
    public long confirmedVersion(String id) {
        return log.confirmedVersion(id);
    }

    @Override
    public void apply(SessionChange change, long version, long confirmed) {
        log.save(change, version, confirmed);
    }

    @Override
    public void confirm(String id, long version) {
        if (log.version(id) == version && log.confirmedVersion(id) < version) {
            StoredSession s = log.load(id);
            if (s != null && s.version() == version) {
                log.replace(s, version);
            }
        }
    }

    @Override
    public void write(StoredSession record) {
        log.replace(record, record.version());
    }

    @Override
    public void touch(String id, long lastAccessedTime) {
        log.touch(id, lastAccessedTime);
    }

    @Override
    public void remove(String id) {
        // The log keeps the tombstone for the session's own timeout if that is longer.
        log.remove(id, clock.millis() + tombstoneTime.toMillis());
    }

    @Override
    public long removedUntil(String id) {
        return log.removedUntil(id);
    }

    @Override
    public List<String> sweepExpired(long now) {
        return log.sweepExpired(now);
    }

    @Override
    public Notices notices(String peer) {
        CopyLog.Notices kept = log.notices(peer);
        return kept.isEmpty() ? Notices.NONE : new Notices(kept.ids(), kept.all());
    }

    @Override
    public void keepNotices(String peer, Set<String> ids, boolean all) {
        log.keepNotices(peer, ids, all);
    }

    @Override
    public void dropNotices(String peer, Set<String> ids, boolean all) {
        log.dropNotices(peer, ids, all);
    }

    @Override
    public void close() {
        log.close();
    }
}
