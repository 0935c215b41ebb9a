package dev.tandem.store.file;

import static java.nio.file.StandardOpenOption.READ;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the in-memory index from the directory at start-up, reading only the 76-byte header of
 * each session file. Where a crash left two versions of one session, the newest one that checks
 * out end to end wins and the older ones are deleted. Corrupt files are moved aside; expired
 * sessions and past tombstones are deleted. One unreadable file never stops the start.
 */
final class StartupScan {
    private static final Logger LOG = LoggerFactory.getLogger(StartupScan.class);
    private static final int ID_END = SessionId.LENGTH;
    private static final String TOMBSTONE = SessionDirectory.TOMBSTONE_SUFFIX.substring(1);

    final Map<String, IndexEntry> sessions = new ConcurrentHashMap<>();
    final Map<String, Long> tombstones = new ConcurrentHashMap<>();
    int corrupt;
    int expired;
    int leftovers;

    private final SessionDirectory directory;
    private final String logPrefix;
    private final long now;
    private final ByteBuffer header = ByteBuffer.allocateDirect(SessionFileFormat.HEADER_LENGTH);

    private StartupScan(SessionDirectory directory, String logPrefix, long now) {
        this.directory = directory;
        this.logPrefix = logPrefix;
        this.now = now;
    }

    static StartupScan run(SessionDirectory directory, String logPrefix, long now) {
        StartupScan scan = new StartupScan(directory, logPrefix, now);
        scan.scan();
        return scan;
    }

    private void scan() {
        Map<String, List<Long>> versions = new HashMap<>();
        List<String> removed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory.path())) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                // <id>.<version> and <id>.removed; anything else (.lock, *.corrupt, a stray file) is left alone.
                if (name.length() <= ID_END + 1 || name.charAt(ID_END) != '.') {
                    continue;
                }
                String id = name.substring(0, ID_END);
                if (!SessionId.isWellFormed(id)) {
                    continue;
                }
                String suffix = name.substring(ID_END + 1);
                if (suffix.equals(TOMBSTONE)) {
                    removed.add(id);
                } else {
                    long version = parseVersion(suffix);
                    if (version > 0) {
                        versions.computeIfAbsent(id, key -> new ArrayList<>(1)).add(version);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the session directory " + directory.path() + ": " + e
                    + "; check that the server's user may read it", e);
        }
        removed.forEach(this::indexTombstone);
        versions.forEach(this::indexSession);
    }

    /** The number after the dot of a session file name, or -1 if it is not one. */
    private static long parseVersion(String suffix) {
        if (suffix.isEmpty() || suffix.length() > 18) {
            return -1;
        }
        for (int i = 0; i < suffix.length(); i++) {
            if (suffix.charAt(i) < '0' || suffix.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(suffix);
    }

    private void indexTombstone(String id) {
        Path file = directory.tombstoneFile(id);
        try {
            long until = TombstoneFormat.decode(directory.read(file));
            if (until < now) {
                directory.deleteQuietly(file);
            } else {
                tombstones.put(id, until);
            }
        } catch (CorruptFileException e) {
            corrupt++;
            directory.moveAside(file, e.getMessage());
        } catch (IOException e) {
            LOG.warn("{} cannot read tombstone {}: {}; skipped", logPrefix, file, e.toString());
        }
    }

    private void indexSession(String id, List<Long> candidates) {
        Collections.sort(candidates, Collections.reverseOrder());
        if (tombstones.containsKey(id)) {
            // Removed, and the crash came before the record was deleted: finish the removal.
            candidates.forEach(version -> directory.deleteQuietly(directory.sessionFile(id, version)));
            return;
        }
        IndexEntry winner = null;
        int i = 0;
        for (; i < candidates.size() && winner == null; i++) {
            Path file = directory.sessionFile(id, candidates.get(i));
            try {
                // Only a crash leaves two versions; then the newer may be half-written, so read it all.
                winner = candidates.size() > 1 ? checkWhole(file, id, candidates.get(i))
                        : checkHeader(file, id, candidates.get(i));
            } catch (CorruptFileException e) {
                corrupt++;
                directory.moveAside(file, e.getMessage());
            } catch (IOException e) {
                LOG.warn("{} cannot read session file {}: {}; skipped", logPrefix, file, e.toString());
            }
        }
        for (; i < candidates.size(); i++) {
            leftovers++;
            directory.deleteQuietly(directory.sessionFile(id, candidates.get(i)));
        }
        if (winner == null) {
            return;
        }
        if (winner.isExpiredAt(now)) {
            expired++;
            directory.deleteQuietly(directory.sessionFile(id, winner.version()));
        } else {
            sessions.put(id, winner);
        }
    }

    private IndexEntry checkHeader(Path file, String id, long version) throws IOException, CorruptFileException {
        try (FileChannel channel = FileChannel.open(file, READ)) {
            long size = channel.size();
            header.clear();
            while (header.hasRemaining() && channel.read(header) >= 0) {
                // read on: a header may arrive in pieces
            }
            header.flip();
            return IndexEntry.of(SessionFileFormat.readHeader(header, size, id, version));
        }
    }

    private IndexEntry checkWhole(Path file, String id, long version) throws IOException, CorruptFileException {
        byte[] bytes = directory.read(file);
        StoredSession session = SessionFileFormat.decode(bytes, id, version);
        return new IndexEntry(version, session.creationTime(), session.lastAccessedTime(),
                session.maxInactiveInterval(), bytes.length);
    }
}
