package dev.tandem.store.jdbc;

import org.junit.jupiter.api.BeforeAll;

/** The contract on the zero-configuration default: only {@code path}, an embedded H2 file database. */
class EmbeddedH2ContractTest extends JdbcStoreContract {

    @BeforeAll
    static void announce() {
        System.out.println("[jdbc tests] EmbeddedH2ContractTest runs on embedded H2 " + org.h2.engine.Constants.FULL_VERSION
                + " (path only)");
    }
}
