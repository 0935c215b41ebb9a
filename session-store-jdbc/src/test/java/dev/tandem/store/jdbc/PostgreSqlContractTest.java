package dev.tandem.store.jdbc;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The contract on PostgreSQL ({@code TANDEM_TEST_POSTGRES_URL}, _USER, _PASSWORD). */
class PostgreSqlContractTest extends JdbcStoreContract {
    private static final String TABLE = "contract_session";
    private static TestDatabase database;

    @BeforeAll
    static void connect() {
        database = TestDatabase.postgres();
        database.announce(PostgreSqlContractTest.class);
        database.dropTables(TABLE);
    }

    @Override
    protected Map<String, String> parameters() {
        return database.parameters(TABLE);
    }
}
