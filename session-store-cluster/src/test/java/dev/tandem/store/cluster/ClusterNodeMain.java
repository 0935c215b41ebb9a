package dev.tandem.store.cluster;

import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.WebApp;

/**
 * One cluster node in its own JVM, for the crash tests: embedded Jetty with the session filter,
 * {@code persistent-store=cluster} and the probe servlet at {@code /app/probe/*}. Prints
 * {@code READY <http-port>} when it serves; stops gracefully when its stdin closes.
 *
 * <p>Arguments: server-id, cluster list, cluster secret, disk copy path, backup-mode.
 */
public final class ClusterNodeMain {

    private ClusterNodeMain() {}

    public static void main(String[] args) throws Exception {
        WebApp app = WebApp.at("/app")
                .param("persistent-store", "cluster")
                .param("server-id", args[0])
                .param("cluster", args[1])
                .param("cluster-secret", args[2])
                .param("path", args[3])
                .param("backup-mode", args[4])
                .param("recover-time", "1s")
                .servlet("/probe/*", new ProbeServlet());
        try (RunningServer server = Container.JETTY.start(app)) {
            System.out.println("READY " + server.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close stdin
            }
        }
    }
}
