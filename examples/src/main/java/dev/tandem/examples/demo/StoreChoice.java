package dev.tandem.examples.demo;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The session store the demo's app nodes use ({@code --store}), as the init-params it sets on each
 * web-app's {@code tandem-sessions} filter on top of what the web-app's own web.xml says.
 */
public enum StoreChoice {
    /** Every session on an owner and a backup node, replicated over the cluster ports. */
    CLUSTER,
    /** One file per session in each node's own directory: survives a restart of that node only. */
    FILE,
    /** An embedded H2 database in each node's own directory. */
    JDBC,
    /** Bytes in each node's memory: nothing survives a node's death. */
    MEMORY;

    public static StoreChoice parse(String value) {
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--store must be cluster, file, jdbc or memory, not '" + value + "'", e);
        }
    }

    /**
     * The filter init-params for a node whose own directory is {@code nodeDir}; {@code clusterList}
     * is the cluster store's server list ({@code app-a=127.0.0.1:6801 ...}).
     */
    public Map<String, String> sessionParams(Path nodeDir, String clusterList) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("persistent-store", name().toLowerCase(Locale.ROOT));
        switch (this) {
            case CLUSTER -> {
                params.put("path", nodeDir.resolve("cluster").toString());
                params.put("cluster", clusterList);
                params.put("recover-time", "2s");
                params.put("connect-timeout", "1s");
            }
            case FILE -> params.put("path", nodeDir.resolve("file").toString());
            case JDBC -> params.put("path", nodeDir.resolve("jdbc").toString());
            case MEMORY -> { }
        }
        return params;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
