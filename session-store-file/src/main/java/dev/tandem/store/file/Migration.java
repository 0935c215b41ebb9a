package dev.tandem.store.file;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds a directory written by the per-file store that came before the log (base files
 * {@code <id>.<version>}, delta files {@code <id>.<base>.<version>}, tombstones
 * {@code <id>.removed}) into the log, once, at start-up: each session is read whole with the old
 * readers (damaged files set aside as {@code *.corrupt} as before) and appended as one base record,
 * each standing tombstone as a tombstone record; the log is forced, and only then are the old files
 * deleted. A crash in between leaves both, and the next start folds them again (the later record
 * wins), so no session is lost to the upgrade.
 */
final class Migration {
    private static final Logger LOG = LoggerFactory.getLogger(Migration.class);

    record Result(int sessions, int tombstones, int corrupt) {
        String describe() {
            return sessions + tombstones + corrupt == 0 ? ""
                    : "; " + sessions + " sessions and " + tombstones + " tombstones moved from per-session files "
                            + "into the log (" + corrupt + " damaged files set aside)";
        }
    }

    private Migration() {}

    static Migration.Result run(SessionDirectory directory, SessionLog log, LogScan scan, String logPrefix, long now)
            throws IOException {
        LegacyScan legacy = LegacyScan.run(directory, logPrefix, now);
        if (legacy.sessions.isEmpty() && legacy.tombstones.isEmpty()) {
            return new Result(0, 0, legacy.corrupt);
        }
        int sessions = 0;
        for (Map.Entry<String, LegacyIndexEntry> found : legacy.sessions.entrySet()) {
            String id = found.getKey();
            LegacyChainReader.Chain chain = LegacyChainReader.read(directory, id, found.getValue(), logPrefix);
            if (chain == null) {
                continue; // its base was damaged: set aside, and logged by the reader
            }
            StoredSession record = chain.record();
            LegacyIndexEntry entry = chain.entry();
            byte[] base = LogRecord.base(new StoredSession(id, entry.version(), entry.creationTime(),
                    entry.lastAccessedTime(), entry.maxInactiveInterval(), record.attributes()));
            long position = log.append(base);
            IndexEntry indexed = IndexEntry.ofBase(entry.version(), entry.creationTime(), entry.lastAccessedTime(),
                    entry.maxInactiveInterval(), position, base.length);
            scan.sessions.put(id, entry.broken() ? indexed.withLost(entry.nextVersion() - 1) : indexed);
            scan.tombstones.remove(id);
            log.live(position, base.length);
            sessions++;
        }
        for (Map.Entry<String, Long> tombstone : legacy.tombstones.entrySet()) {
            log.append(LogRecord.tombstone(tombstone.getKey(), tombstone.getValue()));
            scan.sessions.remove(tombstone.getKey());
            scan.tombstones.merge(tombstone.getKey(), tombstone.getValue(), Math::max);
        }
        log.force();
        // Only now that the log holds them: until here the old files are the sessions.
        deleteOldFiles(directory, legacy);
        LOG.info("{} upgraded {} to the session log: {} sessions, {} tombstones", logPrefix, directory.path(),
                sessions, legacy.tombstones.size());
        return new Result(sessions, legacy.tombstones.size(), legacy.corrupt);
    }

    /** Every base, delta and tombstone file of the ids folded in; files set aside as corrupt stay for a look. */
    private static void deleteOldFiles(SessionDirectory directory, LegacyScan legacy) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory.path())) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.length() > SessionId.LENGTH && name.charAt(SessionId.LENGTH) == '.'
                        && !name.endsWith(SessionDirectory.CORRUPT_SUFFIX)) {
                    String id = name.substring(0, SessionId.LENGTH);
                    if (legacy.sessions.containsKey(id) || legacy.tombstones.containsKey(id)) {
                        directory.deleteQuietly(file);
                    }
                }
            }
        }
    }
}
