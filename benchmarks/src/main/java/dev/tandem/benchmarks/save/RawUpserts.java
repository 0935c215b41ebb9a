package dev.tandem.benchmarks.save;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Random;

/**
 * The raw operation under a JDBC store's save: one upsert of the session's bytes (about 2 KiB) into
 * a two-column table keyed by id, on one connection with autocommit, through a prepared statement.
 * No pool, no version, no serialization.
 */
final class RawUpserts implements Subject {
    private final String name;
    private final Connection connection;
    private final PreparedStatement upsert;
    private final byte[] bytes;
    private final int sessions;

    RawUpserts(String name, String url, String user, String password, boolean postgres, int sessions,
            int bytesPerSession) throws Exception {
        this.name = name;
        this.sessions = sessions;
        this.connection = DriverManager.getConnection(url, user, password);
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS bench_raw_session");
            statement.execute("CREATE TABLE bench_raw_session (id VARCHAR(64) PRIMARY KEY, data "
                    + (postgres ? "BYTEA" : "VARBINARY(1000000)") + ")");
        }
        this.upsert = connection.prepareStatement(postgres
                ? "INSERT INTO bench_raw_session (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data"
                : "MERGE INTO bench_raw_session (id, data) KEY (id) VALUES (?, ?)");
        this.bytes = new byte[bytesPerSession];
        new Random(1).nextBytes(bytes);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void save(int n) throws Exception {
        bytes[n % bytes.length] ^= 1;
        upsert.setString(1, "session-" + (n % sessions));
        upsert.setBytes(2, bytes);
        upsert.executeUpdate();
    }

    @Override
    public void close() throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS bench_raw_session");
        }
        connection.close();
    }
}
