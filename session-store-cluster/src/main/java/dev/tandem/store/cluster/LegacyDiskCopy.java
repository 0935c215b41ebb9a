package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionStoreException;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.store.file.CopyLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds a disk copy of the format before the log into it, once, at start-up. That format was three
 * file stores under the node's path: {@code copies} (the cluster version in the reserved attribute
 * {@value #VERSION_ATTRIBUTE}, a version not all acknowledged in {@value #CONFIRMED_ATTRIBUTE}),
 * {@code removals} (an empty record per removal, expiring when its tombstone ended) and
 * {@code missed} (per peer, a record under a hashed id whose attribute names are the sessions it
 * missed, {@value #ALL} for "check every session"). Removals are folded first, then copies of ids
 * the log has nothing of, then notices; the log is forced, and only then are the old stores
 * deleted. A crash in between leaves both, and the next start folds again: what the log already
 * holds is kept, so folding twice changes nothing.
 */
final class LegacyDiskCopy {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterSessions.class);
    static final String VERSION_ATTRIBUTE = "\u0000tandem.cluster-version";
    static final String CONFIRMED_ATTRIBUTE = "\u0000tandem.cluster-confirmed";
    static final String ALL = "\u0000all";
    static final List<String> STORES = List.of("removals", "copies", "missed");

    private LegacyDiskCopy() {}

    static void fold(StoreContext context, Path path, CopyLog log, Collection<String> peers, String prefix) {
        List<Path> old = STORES.stream().map(store -> path.resolve(store).resolve(context.webApp()))
                .filter(Files::isDirectory).toList();
        if (old.isEmpty()) {
            return;
        }
        long now = context.clock().millis();
        int[] counts = new int[3];
        read(context, path, "removals", removal -> {
            long until = removal.lastAccessedTime() + removal.maxInactiveInterval() * 1000L;
            if (until >= now) {
                log.remove(removal.id(), until);
                counts[0]++;
            }
        });
        read(context, path, "copies", stored -> {
            String id = stored.id();
            if (log.version(id) > 0 || log.removedUntil(id) > 0) {
                return; // folded by a start that crashed before it deleted the old stores, or removed
            }
            Map<String, byte[]> attributes = new HashMap<>(stored.attributes());
            byte[] version = attributes.remove(VERSION_ATTRIBUTE);
            byte[] confirmed = attributes.remove(CONFIRMED_ATTRIBUTE);
            long clusterVersion = version == null ? stored.version() : ByteBuffer.wrap(version).getLong();
            log.replace(new StoredSession(id, clusterVersion, stored.creationTime(), stored.lastAccessedTime(),
                    stored.maxInactiveInterval(), attributes),
                    confirmed == null ? clusterVersion : ByteBuffer.wrap(confirmed).getLong());
            counts[1]++;
        });
        Map<String, String> peerByRecord = new HashMap<>();
        peers.forEach(peer -> peerByRecord.put(recordId(peer), peer));
        read(context, path, "missed", record -> {
            String peer = peerByRecord.get(record.id());
            if (peer == null) {
                LOG.warn("{}missed-writes record {} of the old disk copy is of no server in the cluster list now "
                        + "(a server renamed or removed?); its {} notices are dropped, so that server, if it is "
                        + "back under another name, trusts its copies until they are used", prefix,
                        SessionStoreException.shorten(record.id()), record.attributes().size());
                return;
            }
            Set<String> ids = new HashSet<>(record.attributes().keySet());
            boolean all = ids.remove(ALL);
            ids.removeIf(id -> !SessionId.isWellFormed(id));
            if (all || !ids.isEmpty()) {
                log.keepNotices(peer, ids, all);
                counts[2]++;
            }
        });
        log.force();
        // Only now that the log holds them: until here the old stores are the disk copy.
        old.forEach(LegacyDiskCopy::delete);
        LOG.info("{}disk copy at {} moved into one log: {} copies, {} removals and {} peers' missed-writes notices",
                prefix, path, counts[1], counts[0], counts[2]);
    }

    private static void read(StoreContext context, Path path, String store,
                             java.util.function.Consumer<StoredSession> each) {
        if (Files.isDirectory(path.resolve(store).resolve(context.webApp()))) {
            CopyLog.readFileStore(LogCopy.at(context, path.resolve(store)), each);
        }
    }

    /** Deletes an old store's directory of this web-app, then the store's if no other web-app's is left in it. */
    private static void delete(Path store) {
        try (Stream<Path> files = Files.walk(store)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
            try (Stream<Path> left = Files.list(store.getParent())) {
                if (left.findAny().isEmpty()) {
                    Files.deleteIfExists(store.getParent());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the old disk copy " + store + " after moving it into the "
                    + "log: " + e + "; delete it by hand, it is no longer read", e);
        }
    }

    /** The id the old format kept {@code peer}'s missed-writes record under. */
    static String recordId(String peer) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("missed-writes:" + peer).getBytes(UTF_8));
            return "aa" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM, which every Java runtime must provide", e);
        }
    }
}
