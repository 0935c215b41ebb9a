package dev.tandem.benchmarks.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * What every benchmark of one run shares: smoke or full, the work directory, the report, and the
 * PostgreSQL database (from the {@code TANDEM_TEST_POSTGRES_*} variables that .ci/databases.sh prints).
 *
 * @param smoke a few seconds per benchmark, to catch errors: its figures mean nothing
 */
public record RunContext(boolean smoke, Path work, Report report, String postgresUrl, String postgresUser,
        String postgresPassword) {

    public static RunContext fromEnvironment(boolean smoke, Path work) {
        String url = System.getenv("TANDEM_TEST_POSTGRES_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("TANDEM_TEST_POSTGRES_URL is not set: run benchmarks/run.sh, which "
                    + "starts PostgreSQL with .ci/databases.sh and exports it");
        }
        return new RunContext(smoke, work, new Report(), url, System.getenv("TANDEM_TEST_POSTGRES_USER"),
                System.getenv("TANDEM_TEST_POSTGRES_PASSWORD"));
    }

    private static final java.util.Set<String> PROFILED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Whether to profile a missed target: always in a full run; in a smoke run only the first time
     * for each way of profiling ({@code "jcmd"} or {@code "in-process"}), so that the code keeps
     * working without costing the smoke run a profile per miss.
     */
    public boolean mayProfile(String how) {
        return !smoke || PROFILED.add(how);
    }

    /** Full-run value, or the smoke one. */
    public int pick(int full, int smokeValue) {
        return smoke ? smokeValue : full;
    }

    /** Repetitions of each interleaved measurement. */
    public int repetitions() {
        return smoke ? 1 : 3;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    public static void log(String message) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
        System.out.flush();
    }
}
