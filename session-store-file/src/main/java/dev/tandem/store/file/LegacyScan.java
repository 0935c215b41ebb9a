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
 * Builds the in-memory index from the directory at start-up, reading one file per session: the
 * 76-byte header of a base file without deltas, else the newest delta (small, and it carries the
 * times and the chain's size), checked end to end. Where a crash left two bases of one session
 * (a save that wrote a new base and had not yet deleted the old chain), the newest base that checks
 * out end to end wins. Files no chain reaches (older bases and their deltas, deltas without a base
 * or after a gap) are deleted; corrupt files are moved aside; expired sessions and past tombstones
 * are deleted. One unreadable file never stops the start.
 *
 * <p>Run only to fold a directory of the per-file format that came before the session log into the
 * log ({@link Migration}).
 */
final class LegacyScan {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyScan.class);
    private static final int ID_END = SessionId.LENGTH;
    private static final String TOMBSTONE = SessionDirectory.TOMBSTONE_SUFFIX.substring(1);

    final Map<String, LegacyIndexEntry> sessions = new ConcurrentHashMap<>();
    final Map<String, Long> tombstones = new ConcurrentHashMap<>();
    int corrupt;
    int expired;
    int leftovers;

    private final SessionDirectory directory;
    private final String logPrefix;
    private final long now;
    private final ByteBuffer header = ByteBuffer.allocateDirect(LegacyBaseFormat.HEADER_LENGTH);

    private LegacyScan(SessionDirectory directory, String logPrefix, long now) {
        this.directory = directory;
        this.logPrefix = logPrefix;
        this.now = now;
    }

    static LegacyScan run(SessionDirectory directory, String logPrefix, long now) {
        LegacyScan scan = new LegacyScan(directory, logPrefix, now);
        scan.scan();
        return scan;
    }

    /** The file names of one session: base versions, and delta versions by base version. */
    private static final class SessionFiles {
        final List<Long> bases = new ArrayList<>(1);
        final Map<Long, List<Long>> deltas = new HashMap<>(2);
    }

    private void scan() {
        Map<String, SessionFiles> sessionFiles = new HashMap<>();
        List<String> removed = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory.path())) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                // <id>.<version>, <id>.<base>.<version> and <id>.removed; anything else (.lock,
                // *.corrupt, a stray file) is left alone.
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
                    continue;
                }
                int dot = suffix.indexOf('.');
                long first = parseVersion(dot < 0 ? suffix : suffix.substring(0, dot));
                long second = dot < 0 ? 0 : parseVersion(suffix.substring(dot + 1));
                if (first > 0 && dot < 0) {
                    sessionFiles.computeIfAbsent(id, key -> new SessionFiles()).bases.add(first);
                } else if (first > 0 && second > first) {
                    sessionFiles.computeIfAbsent(id, key -> new SessionFiles()).deltas
                            .computeIfAbsent(first, key -> new ArrayList<>()).add(second);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the session directory " + directory.path() + ": " + e
                    + "; check that the server's user may read it", e);
        }
        removed.forEach(this::indexTombstone);
        sessionFiles.forEach(this::indexSession);
    }

    /** A number of a session file name, or -1 if it is not one. */
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
            long until = LegacyTombstoneFormat.decode(directory.read(file));
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

    private void indexSession(String id, SessionFiles files) {
        if (tombstones.containsKey(id)) {
            // Removed, and the crash came before the files were deleted: finish the removal.
            files.bases.forEach(version -> directory.deleteQuietly(directory.sessionFile(id, version)));
            files.deltas.forEach((base, versions) -> versions.forEach(
                    version -> directory.deleteQuietly(directory.deltaFile(id, base, version))));
            return;
        }
        Collections.sort(files.bases, Collections.reverseOrder());
        LegacyIndexEntry winner = null;
        for (long base : files.bases) {
            if (winner != null) {
                leftovers++;
                directory.deleteQuietly(directory.sessionFile(id, base));
                continue;
            }
            Path file = directory.sessionFile(id, base);
            try {
                winner = indexChain(id, base, files.bases.size() > 1, files.deltas.get(base));
                files.deltas.remove(base);
            } catch (CorruptFileException e) {
                corrupt++;
                directory.moveAside(file, e.getMessage());
            } catch (IOException e) {
                LOG.warn("{} cannot read session file {}: {}; skipped", logPrefix, file, e.toString());
            }
        }
        // Deltas of older bases, of a base that failed its check, or of none at all.
        files.deltas.forEach((base, versions) -> versions.forEach(version -> {
            leftovers++;
            directory.deleteQuietly(directory.deltaFile(id, base, version));
        }));
        if (winner == null) {
            return;
        }
        if (winner.isExpiredAt(now)) {
            expired++;
            directory.deleteChain(id, winner.baseVersion(), winner.version());
        } else {
            sessions.put(id, winner);
        }
    }

    /**
     * The entry of base {@code base} and its {@code deltas} (may be null): the newest delta of the
     * unbroken run after the base that checks out end to end, or the base itself. Deltas after a gap
     * are deleted, corrupt ones moved aside (then the entry records the versions lost: the next save
     * writes a base above them). Only a crash leaves two bases; then the newer may be half-written,
     * so it is read whole.
     */
    private LegacyIndexEntry indexChain(String id, long base, boolean wholeBase, List<Long> deltas)
            throws IOException, CorruptFileException {
        Path baseFile = directory.sessionFile(id, base);
        LegacyIndexEntry atBase = wholeBase ? checkWhole(baseFile, id, base) : null;
        if (deltas == null) {
            return atBase != null ? atBase : checkHeader(baseFile, id, base);
        }
        Collections.sort(deltas);
        int run = 0;
        while (run < deltas.size() && deltas.get(run) == base + run + 1) {
            run++;
        }
        for (int i = run; i < deltas.size(); i++) {
            leftovers++;
            directory.deleteQuietly(directory.deltaFile(id, base, deltas.get(i)));
        }
        for (int i = run - 1; i >= 0; i--) {
            Path file = directory.deltaFile(id, base, deltas.get(i));
            try {
                LegacyIndexEntry entry = LegacyDeltaFormat.decode(directory.read(file), id, base, deltas.get(i)).indexEntry();
                return i == deltas.size() - 1 ? entry : entry.withLost(deltas.get(deltas.size() - 1));
            } catch (CorruptFileException e) {
                corrupt++;
                directory.moveAside(file, e.getMessage());
            } catch (IOException e) {
                LOG.warn("{} cannot read delta file {}: {}; the session goes back to the version before it",
                        logPrefix, file, e.toString());
            }
        }
        LegacyIndexEntry entry = atBase != null ? atBase : checkHeader(baseFile, id, base);
        return entry.withLost(deltas.get(deltas.size() - 1));
    }

    private LegacyIndexEntry checkHeader(Path file, String id, long version) throws IOException, CorruptFileException {
        try (FileChannel channel = FileChannel.open(file, READ)) {
            long size = channel.size();
            header.clear();
            while (header.hasRemaining() && channel.read(header) >= 0) {
                // read on: a header may arrive in pieces
            }
            header.flip();
            return LegacyIndexEntry.ofBase(LegacyBaseFormat.readHeader(header, size, id, version));
        }
    }

    private LegacyIndexEntry checkWhole(Path file, String id, long version) throws IOException, CorruptFileException {
        byte[] bytes = directory.read(file);
        StoredSession session = LegacyBaseFormat.decode(bytes, id, version);
        return new LegacyIndexEntry(version, session.creationTime(), session.lastAccessedTime(),
                session.maxInactiveInterval(), version, bytes.length, 0, 0);
    }
}
