package dev.tandem.store.file;

import java.io.IOException;
import java.nio.ByteBuffer;
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
    int records;
    int expired;
    int damaged;

    private final long now;

    private LogScan(long now) {
        this.now = now;
    }

    static LogScan run(SessionLog log, String logPrefix, long now) {
        LogScan scan = new LogScan(now);
        for (Segment segment : log.segments()) {
            try {
                SegmentScanner.Result result = SegmentScanner.scan(segment, scan::apply, logPrefix);
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

    /** One whole record, in log order. */
    void apply(long position, ByteBuffer in, int at) {
        records++;
        String id = LogRecord.id(in, at);
        IndexEntry entry = sessions.get(id);
        switch (LogRecord.type(in, at)) {
            case LogRecord.BASE -> {
                sessions.put(id, IndexEntry.ofBase(LogRecord.version(in, at), LogRecord.creationTime(in, at),
                        LogRecord.lastAccessedTime(in, at), LogRecord.maxInactiveInterval(in, at), position,
                        LogRecord.length(in, at)));
                // A save after the tombstone's time: the tombstone no longer stands.
                tombstones.remove(id);
            }
            case LogRecord.DELTA -> {
                if (entry == null || LogRecord.baseVersion(in, at) != entry.baseVersion()) {
                    return; // a delta of an older chain, or of a base that was lost
                }
                long version = LogRecord.version(in, at);
                if (version == entry.version() + 1 && LogRecord.previous(in, at) == entry.tipPosition()) {
                    sessions.put(id, entry.plusDelta(version, LogRecord.creationTime(in, at),
                            LogRecord.lastAccessedTime(in, at), LogRecord.maxInactiveInterval(in, at), position,
                            LogRecord.length(in, at)));
                } else if (version > entry.version()) {
                    // The delta before it is missing (damaged, stepped over): the chain ends before the gap.
                    sessions.put(id, entry.withLost(version));
                }
            }
            case LogRecord.TOUCH -> {
                if (entry != null && LogRecord.version(in, at) == entry.version()) {
                    sessions.put(id, entry.withLastAccessedTime(LogRecord.lastAccessedTime(in, at)));
                }
            }
            case LogRecord.TOMBSTONE -> {
                sessions.remove(id);
                long until = LogRecord.version(in, at);
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
