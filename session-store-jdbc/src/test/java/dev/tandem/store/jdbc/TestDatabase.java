package dev.tandem.store.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * A real database the tests run on. H2 is always there; PostgreSQL and MariaDB come from the
 * environment ({@code .ci/databases.sh} prints the variables). Without them the tests skip, except
 * under {@code CI=true}, where a missing database fails the run so CI never skips silently.
 */
record TestDatabase(String name, String url, String user, String password) {

    static TestDatabase postgres() {
        return fromEnvironment("PostgreSQL", "TANDEM_TEST_POSTGRES");
    }

    static TestDatabase mariadb() {
        return fromEnvironment("MariaDB", "TANDEM_TEST_MARIADB");
    }

    static TestDatabase h2(String url) {
        return new TestDatabase("H2", url, "sa", "");
    }

    private static TestDatabase fromEnvironment(String name, String prefix) {
        String urlVariable = prefix + "_URL";
        String url = System.getenv(urlVariable);
        if (url == null || url.isBlank()) {
            String how = "run `eval \"$(bash .ci/databases.sh)\"` as root first (see session-store-jdbc/README.md)";
            if ("true".equals(System.getenv("CI"))) {
                fail(urlVariable + " is not set and CI=true: CI must run the " + name + " tests; " + how);
            }
            System.out.println("[jdbc tests] skipping the " + name + " tests: " + urlVariable + " is not set");
            Assumptions.abort(urlVariable + " is not set: skipping the " + name + " tests; " + how);
        }
        return new TestDatabase(name, url, env(prefix + "_USER"), env(prefix + "_PASSWORD"));
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null ? "" : value;
    }

    /** The store's init-params for this database and table. */
    Map<String, String> parameters(String table) {
        Map<String, String> parameters = new HashMap<>();
        parameters.put("jdbc-url", url);
        if (!user.isEmpty()) {
            parameters.put("jdbc-user", user);
        }
        if (!password.isEmpty()) {
            parameters.put("jdbc-password", password);
        }
        parameters.put("table-name", table);
        return parameters;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Drops the store's two tables, so that a run starts from what the store creates itself. */
    void dropTables(String table) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("DROP TABLE IF EXISTS " + table + "_attribute");
            statement.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop the test tables " + table + " in " + url + ": " + e, e);
        }
    }

    /** Prints which database a test class runs on, so that CI output shows every database's run. */
    void announce(Class<?> testClass) {
        String version;
        try (Connection connection = connect()) {
            DatabaseMetaData metaData = connection.getMetaData();
            version = metaData.getDatabaseProductName() + " " + metaData.getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new IllegalStateException(name + " at " + url + " does not accept connections: " + e
                    + "; is it running? (.ci/databases.sh starts it)", e);
        }
        System.out.println("[jdbc tests] " + testClass.getSimpleName() + " runs on " + version + " at " + url);
    }
}
