package dev.tandem.store.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites sealed segments that are mostly dead: the oldest sealed segments whose live bytes fall
 * under {@value #LIVE_SHARE_PERCENT}% of their size are read through, each id found in them is handed to
 * {@link FileStore#moveOut} (which appends at the head what the index still needs from it: a fresh
 * base of a chain that reaches into the victim, the newest touch, a standing tombstone), with fsync
 * the segments holding the copies are forced, and only then the victim deleted (invariant 4). Records of removed and swept sessions, and
 * tombstones past their time, are not moved: they drop out here. A crash at any instant leaves the
 * victim, or the victim and the moved copies (the later copy wins), or only the copies.
 *
 * <p>At most {@value #BATCH} segments per call, so the scheduler thread is never busy for long and a save waits
 * at most for one id's move (one read of its chain and one append) on its stripe lock.
 */
final class Compaction {
    private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);
    static final int LIVE_SHARE_PERCENT = 50;
    /** Segments compacted together, sharing one force: small segments would otherwise wait for the disk each. */
    static final int BATCH = 16;

    private final FileStore store;
    private final SessionLog log;
    private final String logPrefix;
    private final boolean fsync;

    Compaction(FileStore store, SessionLog log, String logPrefix, boolean fsync) {
        this.store = store;
        this.log = log;
        this.logPrefix = logPrefix;
        this.fsync = fsync;
    }

    /**
     * Compacts the oldest segments that are due, up to {@value #BATCH}; whether there was one. One
     * run at a time: the scheduler's and a caller's of {@link FileStore#compactNow} would pick the
     * same victims.
     */
    synchronized boolean runOnce(long now) throws IOException {
        List<Segment> victims = new ArrayList<>();
        for (Segment segment : log.segments()) {
            if (victims.size() < BATCH && segment.sealed() && isMostlyDead(segment)) {
                victims.add(segment);
            }
        }
        if (victims.isEmpty()) {
            return false;
        }
        compact(victims, now);
        return true;
    }

    private boolean isMostlyDead(Segment segment) throws IOException {
        long size = segment.size();
        return segment.live.get() * 100 < size * LIVE_SHARE_PERCENT;
    }

    /** What the victims hold of one id. */
    private static final class Found {
        boolean touched;
        boolean tombstoned;
        /** Every tombstone of the id found lies where no segment before it is kept. */
        boolean tombstonesFirst = true;
    }

    private static String peer(java.nio.ByteBuffer in, int at) {
        try {
            return LogRecord.peer(in, at);
        } catch (CorruptFileException e) {
            throw new IllegalStateException("a checked notices record parses: " + e.getMessage(), e);
        }
    }

    void compact(List<Segment> victims, long now) throws IOException {
        long started = System.nanoTime();
        Set<Integer> numbers = new HashSet<>();
        long size = 0;
        for (Segment victim : victims) {
            numbers.add(victim.number);
            size += victim.size();
        }
        // The first segment that stays: a tombstone in a victim before it hides nothing once the victims go.
        int firstKept = Integer.MAX_VALUE;
        for (Segment segment : log.segments()) {
            if (!numbers.contains(segment.number)) {
                firstKept = segment.number;
                break;
            }
        }
        Map<String, Found> ids = new LinkedHashMap<>();
        // The cluster's notices, by peer: a replace moved, as a tombstone is, hides the peer's older records.
        Map<String, Found> peers = new LinkedHashMap<>();
        for (Segment victim : victims) {
            boolean first = victim.number < firstKept;
            SegmentScanner.scan(victim, (position, in, at) -> {
                byte type = LogRecord.type(in, at);
                if (type == LogRecord.NOTICES) {
                    Found found = peers.computeIfAbsent(peer(in, at), peer -> new Found());
                    found.tombstoned = true;
                    found.tombstonesFirst &= first;
                    return;
                }
                Found found = ids.computeIfAbsent(LogRecord.id(in, at), id -> new Found());
                found.touched |= type == LogRecord.TOUCH;
                if (type == LogRecord.TOMBSTONE) {
                    found.tombstoned = true;
                    found.tombstonesFirst &= first;
                }
            }, logPrefix);
        }
        Set<Integer> copies = new HashSet<>();
        for (Map.Entry<String, Found> id : ids.entrySet()) {
            Found found = id.getValue();
            long copy = store.moveOut(id.getKey(), numbers, found.touched, found.tombstoned && !found.tombstonesFirst,
                    now);
            if (copy >= 0) {
                copies.add(Segment.segmentOf(copy));
            }
        }
        for (Map.Entry<String, Found> peer : peers.entrySet()) {
            long copy = store.moveNotices(peer.getKey(), !peer.getValue().tombstonesFirst);
            if (copy >= 0) {
                copies.add(Segment.segmentOf(copy));
            }
        }
        if (fsync) {
            // The moved copies on disk before the only other copy goes. Without fsync no write is forced,
            // and a power loss may lose any session (README, guarantee 2); a process crash loses none of them.
            log.force(copies);
        }
        for (Segment victim : victims) {
            log.delete(victim);
        }
        LOG.info("{} session log compacted: {} segments from {} to {}, {} bytes, {} ids, in {} ms", logPrefix,
                victims.size(), victims.get(0), victims.get(victims.size() - 1), size, ids.size(),
                (System.nanoTime() - started) / 1_000_000);
    }
}
