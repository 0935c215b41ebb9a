package dev.tandem.store.file;

import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one session's chain from the log by position: the newest delta, each delta before it by
 * its back pointer, then the base, and applies the deltas in version order. Never scans, but when
 * a delta turns out damaged (bit rot after start-up): then the deltas before it can only be found
 * by reading the segments between the base and the damage, and the chain ends before the damage
 * (the session loads at the version before it). A damaged or missing base loses the session.
 */
final class ChainReader {
    private static final Logger LOG = LoggerFactory.getLogger(ChainReader.class);
    /** A delta is usually small: read this much at once, and again only if it is longer. */
    private static final int DELTA_READ = 1024;

    /** The record read and the index entry that now describes the chain (cut short, if it was). */
    record Chain(StoredSession record, IndexEntry entry) {}

    private ChainReader() {}

    /** The chain {@code entry} describes, or {@code null} if its base is damaged or gone. */
    static Chain read(SessionLog log, String id, IndexEntry entry, String logPrefix) throws IOException {
        long baseVersion = entry.baseVersion();
        ByteBuffer[] deltas = new ByteBuffer[entry.deltaCount()];
        long position = entry.tipPosition();
        for (int i = deltas.length - 1; i >= 0; i--) {
            ByteBuffer delta = log.readRecord(position, DELTA_READ);
            if (!is(delta, false, id, baseVersion + i + 1) || LogRecord.baseVersion(delta, 0) != baseVersion) {
                return recover(log, id, entry, baseVersion + i + 1, logPrefix);
            }
            deltas[i] = delta;
            position = LogRecord.previous(delta, 0);
        }
        ByteBuffer base = log.readRecord(entry.basePosition(), entry.baseLength());
        if (!is(base, true, id, baseVersion) || (deltas.length > 0 && position != entry.basePosition())) {
            LOG.warn("{} session {}: its base record in the log is damaged or gone; the session is treated as missing",
                    logPrefix, shorten(id));
            return null;
        }
        Map<String, byte[]> attributes = new HashMap<>();
        try {
            LogRecord.readBase(base, 0, attributes);
            for (ByteBuffer delta : deltas) {
                LogRecord.applyDelta(delta, 0, attributes);
            }
        } catch (CorruptFileException e) {
            // The checksum passed, so the writer wrote it so: a bug, not the disk. Say so rather than guess.
            LOG.warn("{} session {}: a record of its chain does not parse ({}); the session is treated as missing",
                    logPrefix, shorten(id), e.getMessage());
            return null;
        }
        return new Chain(new StoredSession(id, entry.version(), entry.creationTime(), entry.lastAccessedTime(),
                entry.maxInactiveInterval(), attributes), entry);
    }

    /** Whether {@code record} is a base (or else a delta), of either kind, of {@code id} at {@code version}. */
    private static boolean is(ByteBuffer record, boolean base, String id, long version) {
        return record != null && (base ? LogRecord.isBase(LogRecord.type(record, 0))
                : LogRecord.isDelta(LogRecord.type(record, 0))) && LogRecord.version(record, 0) == version
                && LogRecord.id(record, 0).equals(id);
    }

    /**
     * The chain up to the delta before version {@code damaged}: its deltas found by reading the
     * segments from the base to the tip, each checked to point back to the one before it.
     */
    private static Chain recover(SessionLog log, String id, IndexEntry entry, long damaged, String logPrefix)
            throws IOException {
        ByteBuffer base = log.readRecord(entry.basePosition(), entry.baseLength());
        if (!is(base, true, id, entry.baseVersion())) {
            LOG.warn("{} session {}: its base record in the log is damaged or gone; the session is treated as missing",
                    logPrefix, shorten(id));
            return null;
        }
        Map<Long, ByteBuffer> found = new HashMap<>();
        Map<Long, Long> positions = new HashMap<>();
        for (Segment segment : log.segments()) {
            if (segment.number < Segment.segmentOf(entry.basePosition())
                    || segment.number > Segment.segmentOf(entry.tipPosition())) {
                continue;
            }
            SegmentScanner.scan(segment, (position, in, at) -> {
                if (position > entry.basePosition() && position <= entry.tipPosition()
                        && LogRecord.isDelta(LogRecord.type(in, at)) && LogRecord.id(in, at).equals(id)
                        && LogRecord.baseVersion(in, at) == entry.baseVersion()
                        && LogRecord.version(in, at) < damaged) {
                    ByteBuffer copy = ByteBuffer.allocate(LogRecord.length(in, at));
                    copy.put(in.duplicate().position(at).limit(at + copy.capacity())).flip();
                    found.put(LogRecord.version(in, at), copy);
                    positions.put(LogRecord.version(in, at), position);
                }
            }, logPrefix);
        }
        Map<String, byte[]> attributes = new HashMap<>();
        List<ByteBuffer> chain = new ArrayList<>();
        IndexEntry reached = IndexEntry.ofBase(entry.baseVersion(), LogRecord.creationTime(base, 0),
                LogRecord.lastAccessedTime(base, 0), LogRecord.maxInactiveInterval(base, 0), entry.basePosition(),
                entry.baseLength());
        try {
            LogRecord.readBase(base, 0, attributes);
            for (long v = entry.baseVersion() + 1; v < damaged; v++) {
                ByteBuffer delta = found.get(v);
                if (delta == null || LogRecord.previous(delta, 0) != reached.tipPosition()) {
                    break;
                }
                LogRecord.applyDelta(delta, 0, attributes);
                chain.add(delta);
                reached = reached.plusDelta(v, LogRecord.creationTime(delta, 0), LogRecord.lastAccessedTime(delta, 0),
                        LogRecord.maxInactiveInterval(delta, 0), positions.get(v), delta.capacity());
            }
        } catch (CorruptFileException e) {
            return null;
        }
        reached = reached.withLost(entry.version() + entry.lostAbove());
        LOG.warn("{} session {} is back at version {} of {}: its delta of version {} in the log is damaged",
                logPrefix, shorten(id), reached.version(), entry.version(), damaged);
        return new Chain(new StoredSession(id, reached.version(), reached.creationTime(), reached.lastAccessedTime(),
                reached.maxInactiveInterval(), attributes), reached);
    }

    private static String shorten(String id) {
        return id.substring(0, 8) + "…";
    }
}
