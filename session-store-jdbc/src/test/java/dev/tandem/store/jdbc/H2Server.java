package dev.tandem.store.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import org.h2.tools.Server;

/**
 * H2 in server mode on 127.0.0.1, for tests that need several nodes on one database or a
 * database that goes away: {@link #stop} closes every client connection, {@link #restart} serves
 * the same files on the same port again.
 */
final class H2Server implements AutoCloseable {
    private final Path directory;
    private final int port;
    private Server server;

    private H2Server(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    static H2Server start(Path directory) {
        H2Server h2 = new H2Server(directory, freePort());
        h2.restart();
        return h2;
    }

    /** The URL of database {@code name}, created on first use. */
    String url(String name) {
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/" + name + ";LOCK_TIMEOUT=10000";
    }

    void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    void restart() {
        stop();
        try {
            server = Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", directory.toString(),
                    "-ifNotExists").start();
        } catch (SQLException e) {
            throw new IllegalStateException("H2 server did not start on port " + port + ": " + e, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
