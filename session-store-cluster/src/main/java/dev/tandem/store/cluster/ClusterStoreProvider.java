package dev.tandem.store.cluster;

import dev.tandem.cluster.ClusterEndpoint;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code persistent-store=cluster}: each session on its owner and its backup server, over the
 * JVM's cluster endpoint; failover to the backup and recovery on restart (newest version wins).
 * Params: {@code path} (this server's disk copy, a session log in {@code <path>/log}), {@code backup-mode}
 * ({@code sync} by default, or {@code async}) and the cluster params ({@code cluster},
 * {@code server-id}, {@code cluster-secret}, timeouts, {@code max-frame-size}).
 */
public final class ClusterStoreProvider implements SessionStoreProvider {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStoreProvider.class);

    /** Threads for the owner's side of peer requests, which may themselves wait on peers. */
    private static final int OWNER_THREADS = 16;
    /** How often the servers holding second copies are probed ({@link BackupRepair}). */
    private static final long BACKUP_CHECK_MILLIS = 1000;

    public ClusterStoreProvider() {}

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public Set<String> parameterNames() {
        return ClusterStoreConfig.PARAMETERS;
    }

    @Override
    public SessionStore create(StoreContext context) {
        ClusterStoreConfig config = ClusterStoreConfig.from(context);
        ClusterEndpoint endpoint = ClusterEndpoint.acquire(config.cluster());
        String server = endpoint.self().name();
        DiskCopy copy;
        try {
            // The peers' names label the missed-writes notices of a disk copy of the format before the log.
            List<String> peers = endpoint.topology().members().stream().map(m -> m.name())
                    .filter(name -> !name.equals(server)).toList();
            copy = LogCopy.open(context, config.path(), peers, "cluster " + server + " " + context.webApp() + ": ");
        } catch (RuntimeException e) {
            endpoint.release();
            throw e;
        }
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(OWNER_THREADS, OWNER_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "tandem-cluster-store-" + server + "-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        LOG.info("cluster {} {}: disk copy at {}, backup-mode {}, servers {}", server, context.webApp(), config.path(),
                config.backupMode().name().toLowerCase(java.util.Locale.ROOT), endpoint.topology());
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-cluster-store-" + server + "-backups");
            t.setDaemon(true);
            return t;
        });
        try {
            ClusterSessions sessions = new ClusterSessions(context.webApp(), endpoint, copy, context.clock(), new Random(),
                    config.backupMode(), executor, context.changes(), () -> {
                        checks.shutdownNow();
                        executor.shutdownNow();
                        endpoint.release();
                    });
            checks.scheduleWithFixedDelay(() -> checkBackups(sessions, server), BACKUP_CHECK_MILLIS,
                    BACKUP_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            return sessions;
        } catch (RuntimeException e) {
            checks.shutdownNow();
            executor.shutdownNow();
            copy.close();
            endpoint.release();
            throw e;
        }
    }

    /** A scheduled task that throws is never run again: catch everything. */
    private static void checkBackups(ClusterSessions sessions, String server) {
        try {
            sessions.checkBackups();
        } catch (RuntimeException e) {
            LOG.warn("cluster {}: checking the servers that hold second copies failed: {}", server, e.toString(), e);
        }
    }

}
