package dev.tandem.store.file;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the index from the log at start-up: every segment in order, every whole record applied
 * by the rules of invariant 2 in {@code package-info.java} (for each id, the later record in log
 * order wins). A torn tail is cut at the end of the segment's last whole record and logged once;
 * damage in the middle is stepped over (logged by {@link SegmentScanner}). Expired sessions and
 * tombstones past their time are left out. Nothing here fails the start but an unreadable file.
 */
final class LogScan {
    private static final Logger LOG = LoggerFactory.getLogger(LogScan.class);

    final Map<String, IndexEntry> sessions = new ConcurrentHashMap<>();
    final Map<String, Long> tombstones = new ConcurrentHashMap<>();
    final NoticeIndex notices = new NoticeIndex();
    int records;
    int hinted;
    int expired;
    int damaged;

    private final long now;

    private LogScan(long now) {
        this.now = now;
    }

    static LogScan run(SessionLog log, SessionDirectory directory, String logPrefix, long now) {
        LogScan scan = new LogScan(now);
        for (Segment segment : log.segments()) {
            try {
                // A sealed segment's hint file holds its records' headers: a few % of its bytes to read.
                long covered = Hints.read(directory, segment, scan::apply, logPrefix);
                segment.hinted = covered >= 0;
                long size = segment.size();
                if (covered == size) {
                    scan.hinted++;
                    continue;
                }
                SegmentScanner.Result result = SegmentScanner.scan(segment, Math.max(0, covered),
                        (position, in, at) -> scan.apply(position, in, at), logPrefix);
                scan.damaged += result.skippedRegions();
                if (result.tornTail()) {
                    scan.damaged++;
                    LOG.warn("{} session log {}: {} bytes after its last whole record (a write cut short by a "
                            + "crash, never acknowledged) cut off at offset {}", logPrefix, segment,
                            result.size() - result.end(), result.end());
                    log.truncate(segment, result.end());
                }
            } catch (IOException e) {
                LOG.warn("{} cannot read session log {}: {}; its records are skipped", logPrefix, segment,
                        e.toString());
            }
        }
        scan.finish(log);
        return scan;
    }

    /** One whole record read from a segment, in log order; a hint file holds no notices. */
    private void apply(long position, java.nio.ByteBuffer in, int at) {
        if (LogRecord.type(in, at) == LogRecord.NOTICES) {
            records++;
            notices.apply(in, at);
        } else {
            apply(LogRecord.Header.of(position, in, at));
        }
    }

    /** One whole record, in log order. */
    void apply(LogRecord.Header record) {
        records++;
        String id = record.id();
        IndexEntry entry = sessions.get(id);
        switch (record.type()) {
            case LogRecord.BASE, LogRecord.COPY -> {
                sessions.put(id, IndexEntry.ofBase(record.version(), record.creationTime(),
                        record.lastAccessedTime(), record.maxInactiveInterval(), record.position(), record.length()));
                // A save after the tombstone's time: the tombstone no longer stands.
                tombstones.remove(id);
            }
            case LogRecord.DELTA, LogRecord.COPY_DELTA -> {
                if (entry == null || record.baseVersion() != entry.baseVersion()) {
                    if (entry != null && record.baseVersion() > entry.version()) {
                        // The delta of a newer base that was lost: the older chain is no longer the session.
                        sessions.remove(id);
                    }
                    return; // a delta of an older chain, or of a base that was lost
                }
                long version = record.version();
                if (version == entry.version() + 1 && record.previous() == entry.tipPosition()) {
                    sessions.put(id, entry.plusDelta(version, record.creationTime(), record.lastAccessedTime(),
                            record.maxInactiveInterval(), record.position(), record.length()));
                } else if (version > entry.version()) {
                    // The delta before it is missing (damaged, stepped over): the chain ends before the gap.
                    sessions.put(id, entry.withLost(version));
                }
            }
            case LogRecord.TOUCH -> {
                if (entry != null && record.version() == entry.version()) {
                    sessions.put(id, entry.withLastAccessedTime(record.lastAccessedTime()));
                }
            }
            case LogRecord.TOMBSTONE -> {
                sessions.remove(id);
                long until = record.version();
                if (until >= now) {
                    tombstones.merge(id, until, Math::max);
                }
            }
            default -> throw new IllegalStateException("checked records have a known type");
        }
    }

    private void finish(SessionLog log) {
        for (Iterator<IndexEntry> entries = sessions.values().iterator(); entries.hasNext(); ) {
            IndexEntry entry = entries.next();
            if (entry.isExpiredAt(now)) {
                expired++;
                entries.remove();
            } else {
                log.live(entry.basePosition(), entry.baseLength());
                log.live(entry.tipPosition(), entry.deltaBytes());
            }
        }
        tombstones.values().removeIf(until -> until < now);
    }
}
