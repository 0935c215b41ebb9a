package dev.tandem.examples.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the demo launcher starts: the store, the web tier's port, the app nodes' HTTP and cluster
 * ports (0: a free port, for tests) and the work directory (one subdirectory per node).
 */
public record DemoOptions(StoreChoice store, int webPort, List<Integer> httpPorts, List<Integer> clusterPorts,
        Path workDir) {
    public static final List<String> NODES = List.of("app-a", "app-b", "app-c");

    public DemoOptions {
        httpPorts = List.copyOf(httpPorts);
        clusterPorts = List.copyOf(clusterPorts);
        if (httpPorts.size() != NODES.size() || clusterPorts.size() != NODES.size()) {
            throw new IllegalArgumentException("give " + NODES.size() + " HTTP ports and " + NODES.size()
                    + " cluster ports, one per node " + NODES + "; got " + httpPorts + " and " + clusterPorts);
        }
    }

    /** The defaults: cluster store, 8080, 8081-8083, 6801-6803, {@code target/demo}. */
    public static DemoOptions defaults() {
        return new DemoOptions(StoreChoice.CLUSTER, 8080, List.of(8081, 8082, 8083), List.of(6801, 6802, 6803),
                Path.of("target", "demo"));
    }

    /** Every port free (0), for tests. */
    public static DemoOptions anyFreePorts(StoreChoice store, Path workDir) {
        return new DemoOptions(store, 0, List.of(0, 0, 0), List.of(0, 0, 0), workDir);
    }

    /** Parses the launcher's arguments over the defaults; {@code null} when help was asked for. */
    public static DemoOptions parse(String... args) {
        DemoOptions o = defaults();
        StoreChoice store = o.store;
        int webPort = o.webPort;
        List<Integer> http = o.httpPorts;
        List<Integer> cluster = o.clusterPorts;
        Path dir = o.workDir;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value; try --help");
            }
            String value = args[++i];
            switch (arg) {
                case "--store" -> store = StoreChoice.parse(value);
                case "--port" -> webPort = Integer.parseInt(value);
                case "--http-ports" -> http = ports(arg, value);
                case "--cluster-ports" -> cluster = ports(arg, value);
                case "--work-dir" -> dir = Path.of(value);
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'; try --help");
            }
        }
        return new DemoOptions(store, webPort, http, cluster, dir);
    }

    public static final String USAGE_TEXT = """
            usage: ./demo.sh [--store cluster|file|jdbc|memory] [--port 8080]
                             [--http-ports 8081,8082,8083] [--cluster-ports 6801,6802,6803]
                             [--work-dir target/demo]
            Port 0 picks a free port.""";

    private static List<Integer> ports(String arg, String value) {
        List<Integer> ports = new ArrayList<>();
        for (String p : value.split(",")) {
            try {
                ports.add(Integer.parseInt(p.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(arg + " takes comma-separated port numbers, not '" + value + "'", e);
            }
        }
        return ports;
    }
}
