package dev.tandem.store.jdbc;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The contract through {@code jdbc-url} on H2 in server mode, as several nodes would share it. */
class H2ServerContractTest extends JdbcStoreContract {
    @TempDir
    static Path serverDirectory;
    private static H2Server server;
    private static TestDatabase database;

    @BeforeAll
    static void startServer() {
        server = H2Server.start(serverDirectory);
        database = TestDatabase.h2(server.url("contract"));
        database.announce(H2ServerContractTest.class);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected Map<String, String> parameters() {
        return database.parameters("contract_session");
    }
}
