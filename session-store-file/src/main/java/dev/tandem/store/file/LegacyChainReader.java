package dev.tandem.store.file;

import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one session's chain: its base file, then each delta on it in version order. A delta that
 * is corrupt (set aside) or missing ends the chain there: the newest version reached whole is the
 * session, the deltas after the gap can no longer be applied and are deleted. A base that is
 * corrupt (set aside) or missing loses the session, and its deltas are deleted.
 *
 * <p>Run only to fold a directory of the per-file format that came before the session log into the
 * log ({@link Migration}).
 */
final class LegacyChainReader {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyChainReader.class);

    /** The record read and the index entry that now describes the chain (with the versions lost, if cut short). */
    record Chain(StoredSession record, LegacyIndexEntry entry) {}

    private LegacyChainReader() {}

    /** The chain {@code entry} describes, or {@code null} if its base is corrupt or gone. */
    static Chain read(SessionDirectory directory, String id, LegacyIndexEntry entry, String logPrefix)
            throws IOException {
        long base = entry.baseVersion();
        Path baseFile = directory.sessionFile(id, base);
        StoredSession record;
        try {
            record = LegacyBaseFormat.decode(directory.read(baseFile), id, base);
        } catch (CorruptFileException e) {
            directory.moveAside(baseFile, e.getMessage());
            directory.deleteChain(id, base, entry.version());
            return null;
        } catch (NoSuchFileException e) {
            LOG.warn("{} session file {} was deleted behind the store's back; the session is treated as missing",
                    logPrefix, baseFile);
            directory.deleteChain(id, base, entry.version());
            return null;
        }
        if (entry.deltaCount() == 0) {
            return new Chain(record, entry);
        }
        Map<String, byte[]> attributes = new HashMap<>(record.attributes());
        LegacyDeltaFormat.Delta last = null;
        for (long v = base + 1; v <= entry.version(); v++) {
            Path file = directory.deltaFile(id, base, v);
            try {
                LegacyDeltaFormat.Delta delta = LegacyDeltaFormat.decode(directory.read(file), id, base, v);
                delta.applyTo(attributes);
                last = delta;
            } catch (CorruptFileException e) {
                directory.moveAside(file, e.getMessage());
                return cutShort(directory, id, entry, v, record, last, attributes, logPrefix);
            } catch (NoSuchFileException e) {
                LOG.warn("{} delta file {} was deleted behind the store's back", logPrefix, file);
                return cutShort(directory, id, entry, v, record, last, attributes, logPrefix);
            }
        }
        return new Chain(at(last, id, attributes), entry);
    }

    /** The chain up to the delta before {@code lost}; the deltas after {@code lost} are deleted. */
    private static Chain cutShort(SessionDirectory directory, String id, LegacyIndexEntry entry, long lost,
                                  StoredSession base, LegacyDeltaFormat.Delta last, Map<String, byte[]> attributes,
                                  String logPrefix) {
        for (long v = lost + 1; v <= entry.version(); v++) {
            directory.deleteQuietly(directory.deltaFile(id, entry.baseVersion(), v));
        }
        LOG.warn("{} session {} is back at version {} of {}: its delta of version {} is lost", logPrefix,
                id.substring(0, 8) + "…", lost - 1, entry.version(), lost);
        if (last == null) {
            LegacyIndexEntry atBase = new LegacyIndexEntry(base.version(), base.creationTime(), base.lastAccessedTime(),
                    base.maxInactiveInterval(), base.version(), entry.baseLength(), 0, entry.version());
            return new Chain(base, atBase);
        }
        return new Chain(at(last, id, attributes), last.indexEntry().withLost(entry.version()));
    }

    private static StoredSession at(LegacyDeltaFormat.Delta last, String id, Map<String, byte[]> attributes) {
        return new StoredSession(id, last.version(), last.creationTime(), last.lastAccessedTime(),
                last.maxInactiveInterval(), attributes);
    }
}
