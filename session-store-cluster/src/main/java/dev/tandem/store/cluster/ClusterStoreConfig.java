package dev.tandem.store.cluster;

import dev.tandem.cluster.ClusterConfig;
import dev.tandem.session.spi.StoreContext;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** The cluster store's init-params, read once. */
record ClusterStoreConfig(Path path, BackupMode backupMode, ClusterConfig cluster) {

    static final String PATH = "path";
    static final String BACKUP_MODE = "backup-mode";

    static final Set<String> PARAMETERS;

    static {
        Set<String> names = new HashSet<>(ClusterConfig.PARAMETER_NAMES);
        names.add(PATH);
        names.add(BACKUP_MODE);
        PARAMETERS = Set.copyOf(names);
    }

    static ClusterStoreConfig from(StoreContext context) {
        Path path = context.parameter(PATH).map(Path::of).orElseThrow(() -> new IllegalArgumentException(
                "persistent-store=cluster needs init-param " + PATH + ": the directory of this server's disk copy"));
        BackupMode mode = context.parameter(BACKUP_MODE).map(v -> BackupMode.parse(BACKUP_MODE, v)).orElse(BackupMode.SYNC);
        return new ClusterStoreConfig(path, mode, ClusterConfig.parse(context.parameters()));
    }
}
