package dev.tandem.store.jdbc;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The contract on MariaDB ({@code TANDEM_TEST_MARIADB_URL}, _USER, _PASSWORD). */
class MariaDbContractTest extends JdbcStoreContract {
    private static final String TABLE = "contract_session";
    private static TestDatabase database;

    @BeforeAll
    static void connect() {
        database = TestDatabase.mariadb();
        database.announce(MariaDbContractTest.class);
        database.dropTables(TABLE);
    }

    @Override
    protected Map<String, String> parameters() {
        return database.parameters(TABLE);
    }
}
