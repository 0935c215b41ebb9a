package dev.tandem.benchmarks.http;

import dev.tandem.benchmarks.harness.RunContext;
import dev.tandem.benchmarks.harness.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One way of keeping sessions, as the HTTP benchmarks start it: the servers (the first takes the
 * load; a cluster's second is the backup) and the label the report shows.
 */
record AppSetup(String key, String label, List<ServerProcess> servers, List<Integer> clusterPorts) {
    static final String SECRET = "benchmark-cluster-secret-0123456789";

    String url(String path) {
        return "http://127.0.0.1:" + servers.get(0).port() + path;
    }

    List<Long> pids() {
        return servers.stream().map(ServerProcess::pid).toList();
    }

    boolean jetty() {
        return key.equals("jetty");
    }

    static AppSetup jetty(Path dir) {
        return single("jetty", "Jetty 12 in-memory sessions (anchor)", dir, "jetty");
    }

    static AppSetup tandem(String key, String label, Path dir, String... params) {
        List<String> args = new ArrayList<>(List.of("tandem"));
        args.addAll(List.of(params));
        return single(key, label, dir, args.toArray(String[]::new));
    }

    private static AppSetup single(String key, String label, Path dir, String... args) {
        List<String> all = new ArrayList<>(List.of("0"));
        all.addAll(List.of(args));
        return new AppSetup(key, label, List.of(ServerProcess.java(key, dir.resolve(key + ".log"), List.of(),
                SessionServerMain.class, all.toArray(String[]::new))), List.of());
    }

    /** Two nodes of the cluster store, app-a (takes the load, owns the sessions) and app-b (backup). */
    static AppSetup cluster(String key, String label, Path dir, int... httpPorts) {
        int[] clusterPorts = {RunContext.freePort(), RunContext.freePort()};
        String list = "app-a=127.0.0.1:" + clusterPorts[0] + " app-b=127.0.0.1:" + clusterPorts[1];
        List<ServerProcess> servers = new ArrayList<>();
        String[] names = {"app-a", "app-b"};
        for (int i = 0; i < 2; i++) {
            servers.add(node(key, dir, names[i], httpPorts.length > i ? httpPorts[i] : 0, list));
        }
        return new AppSetup(key, label, servers, List.of(clusterPorts[0], clusterPorts[1]));
    }

    /** One cluster-store node; {@code list} names every node's cluster address. */
    static ServerProcess node(String key, Path dir, String name, int httpPort, String list) {
        return ServerProcess.java(key + "-" + name, dir.resolve(key + "-" + name + ".log"),
                List.of("-Dtandem.server-id=" + name, "-Dtandem.cluster-secret=" + SECRET),
                SessionServerMain.class, String.valueOf(httpPort), "tandem", "persistent-store=cluster",
                "path=" + dir.resolve(key + "-" + name + "-data"), "cluster=" + list);
    }
}
