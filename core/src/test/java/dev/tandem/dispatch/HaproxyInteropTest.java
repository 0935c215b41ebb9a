package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.testing.Await;
import dev.tandem.testing.TestClient;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's HAProxy configuration gives the dispatch filter's stickiness: owner by the session
 * id's first character, then the backup by the second, then round-robin. Runs against real app
 * nodes when {@code haproxy} is on the PATH; skipped otherwise, except in CI (CI=true), where it
 * must run.
 */
@Timeout(90)
class HaproxyInteropTest {

    /** The configuration the README shows, for servers {@code name=host:port} in cluster order. */
    static String config(int listenPort, List<String> servers) {
        StringBuilder s = new StringBuilder("""
                global
                    maxconn 4096
                defaults
                    mode http
                    timeout connect 5s
                    timeout client 665s
                    timeout server 665s
                    option redispatch
                    retries 2
                frontend web
                    bind 127.0.0.1:%d
                    default_backend app
                backend app
                    balance roundrobin
                    option forwardfor
                    http-request set-header X-Forwarded-Proto http
                """.formatted(listenPort));
        StringBuilder owners = new StringBuilder();
        StringBuilder backups = new StringBuilder();
        for (int i = 0; i < servers.size(); i++) {
            String name = servers.get(i).substring(0, servers.get(i).indexOf('='));
            String c = regexChar(SessionId.serverChar(i));
            s.append("    acl owner_").append(name).append(" req.cook(JSESSIONID) -m reg ^").append(c).append('\n');
            s.append("    acl owner_").append(name).append(" path_reg ;jsessionid=").append(c).append('\n');
            s.append("    acl backup_").append(name).append(" req.cook(JSESSIONID) -m reg ^.").append(c).append('\n');
            s.append("    acl backup_").append(name).append(" path_reg ;jsessionid=.").append(c).append('\n');
            owners.append("    use-server ").append(name).append(" if owner_").append(name).append('\n');
            backups.append("    use-server ").append(name).append(" if backup_").append(name).append('\n');
        }
        s.append(owners).append(backups);
        for (String server : servers) {
            int eq = server.indexOf('=');
            s.append("    server ").append(server, 0, eq).append(' ').append(server.substring(eq + 1))
                    .append(" check inter 500ms fall 1 rise 2\n");
        }
        return s.toString();
    }

    private static String regexChar(char c) {
        return c == '-' ? "\\-" : String.valueOf(c);
    }

    static boolean haproxyInstalled() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, "haproxy"))) {
                    return true;
                }
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin/haproxy"));
    }

    @Test
    void haproxyWithTheReadmeConfigPinsSessionsToTheOwnerThenTheBackup() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        if (ci) {
            assertTrue(haproxyInstalled(), "CI must install haproxy (.ci/run)");
        }
        Assumptions.assumeTrue(haproxyInstalled(), "haproxy is not installed");
        String haproxy = Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
        AppNode b = AppNode.start("app-b");
        Process proxy = null;
        Path cfg = Files.createTempFile("tandem-haproxy", ".cfg");
        try (AppNode a = AppNode.start("app-a"); AppNode c = AppNode.start("app-c")) {
            int port = FailoverTest.deadPort();
            Files.writeString(cfg, config(port, List.of(a.entry(), b.entry(), c.entry())));
            proxy = new ProcessBuilder(haproxy, "-db", "-f", cfg.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Process running = proxy;
            Await.until("haproxy listens", Duration.ofSeconds(20), () -> {
                assertTrue(running.isAlive(), "haproxy exited with " + (running.isAlive() ? "" : running.exitValue()));
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            TestClient client = TestClient.withoutCookies();
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port + "/s");
            for (int i = 0; i < 4; i++) {
                assertEquals("app-b /s", client.get(uri, "JSESSIONID=bcAAAAAAAAAAAAAAAAAAAAAA").body());
                assertEquals("app-c /s", client.get(uri, "JSESSIONID=caAAAAAAAAAAAAAAAAAAAAAA").body());
                assertEquals("app-b /x;jsessionid=b", client.get(java.net.URI.create("http://127.0.0.1:" + port + "/x;jsessionid=b")).body());
            }
            b.close();
            Await.until("haproxy sends b's sessions to their backup c", Duration.ofSeconds(30),
                    () -> client.get(uri, "JSESSIONID=bcAAAAAAAAAAAAAAAAAAAAAA").body().equals("app-c /s"));
            for (int i = 0; i < 4; i++) {
                assertEquals("app-c /s", client.get(uri, "JSESSIONID=bcAAAAAAAAAAAAAAAAAAAAAA").body());
                assertEquals("app-a /s", client.get(uri, "JSESSIONID=baAAAAAAAAAAAAAAAAAAAAAA").body());
            }
        } finally {
            b.close();
            if (proxy != null) {
                proxy.destroy();
                proxy.waitFor();
            }
            Files.deleteIfExists(cfg);
        }
    }
}
