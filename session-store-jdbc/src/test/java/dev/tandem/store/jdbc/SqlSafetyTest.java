package dev.tandem.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing a user or a client sends reaches SQL as text: the table name is held to an identifier,
 * the column type to a type, and ids are checked before any statement (everything else is a
 * parameter).
 */
class SqlSafetyTest {
    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

    private StoreContext context(Map<String, String> extra) {
        Map<String, String> parameters = new HashMap<>(extra);
        parameters.putIfAbsent("path", directory.resolve("db").toString());
        return new StoreContext("app", parameters, clock, Duration.ofMinutes(30), getClass().getClassLoader());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "persistent_session; DROP TABLE users",
        "x' OR '1'='1",
        "session--",
        "\"quoted\"",
        "`backticked`",
        "two words",
        "schema.table",
        "1starts_with_a_digit",
        "naïve",
        "a_name_of_fifty_four_characters_is_one_too_long_for_pg"
    })
    void aTableNameThatIsNotAPlainIdentifierIsRefusedBeforeAnyDatabaseIsTouched(String tableName) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new JdbcStoreProvider().create(context(Map.of("table-name", tableName))));

        assertTrue(refused.getMessage().contains("table-name must be a plain SQL identifier"), refused.getMessage());
        assertTrue(refused.getMessage().contains("'" + tableName + "'"), refused.getMessage());
        assertFalse(Files.exists(directory.resolve("db")), "no database was created");
    }

    @ParameterizedTest
    @ValueSource(strings = {"BYTEA); DROP TABLE users; --", "BLOB, evil INT", "VARBINARY(10) DEFAULT 'x'"})
    void aBlobTypeThatIsNotAColumnTypeIsRefused(String blobType) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new JdbcStoreProvider().create(context(Map.of("blob-type", blobType))));

        assertTrue(refused.getMessage().contains("blob-type must be a column type"), refused.getMessage());
    }

    @Test
    void theLongestAllowedTableNameAndACustomBlobTypeWork() {
        String table = "t".repeat(53);
        try (SessionStore store = new JdbcStoreProvider().create(
                context(Map.of("table-name", table, "blob-type", "BINARY VARYING(100000)")))) {
            String id = dev.tandem.session.SessionId.generate("aa");
            assertEquals(1, store.save(new SessionChange(id, 0, 0, 60, Map.of("a", new byte[] {1}), Set.of())));
            assertEquals(1, store.version(id));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aaaaaaaaaa'aaaaaaaaaaaaa", "aaaaaaaaaa\"aaaaaaaaaaaaa", "aaaaaaaaaa;aaaaaaaaaaaaa",
        "aaaaaaaaaa)aaaaaaaaaaaaa", "' OR '1'='1'; DROP TABLE"})
    void anIdWithQuotesOrSqlIsRefusedByEveryMethod(String id) {
        try (SessionStore store = new JdbcStoreProvider().create(context(Map.of()))) {
            assertThrows(IllegalArgumentException.class, () -> store.load(id));
            assertThrows(IllegalArgumentException.class, () -> store.version(id));
            assertThrows(IllegalArgumentException.class,
                    () -> store.save(new SessionChange(id, 0, 0, 60, Map.of(), Set.of())));
            assertThrows(IllegalArgumentException.class, () -> store.touch(id, 0));
            assertThrows(IllegalArgumentException.class, () -> store.remove(id));
            assertEquals(List.of(), store.sweepExpired(Long.MAX_VALUE));
        }
    }

    @Test
    void aWellFormedIdThatLooksLikeASqlCommentIsJustAnIdBecauseIdsArePassedAsParameters() {
        String id = "aa----------------------";
        try (SessionStore store = new JdbcStoreProvider().create(context(Map.of()))) {
            store.save(new SessionChange(id, 0, 0, 60, Map.of("a", new byte[] {7}), Set.of()));

            assertEquals(1, store.version(id));
            assertEquals(7, store.load(id).attributes().get("a")[0]);
        }
    }

    @Test
    void aTableOfTheSameNameWithOtherColumnsIsReportedWithWhatToDo() throws Exception {
        Path db = directory.resolve("shared");
        Files.createDirectories(db);
        String url = "jdbc:h2:file:" + db.resolve("other");
        try (Connection connection = java.sql.DriverManager.getConnection(url, "sa", "");
             Statement statement = connection.createStatement()) {
            // Resin's table of the same name.
            statement.execute("CREATE TABLE persistent_session (id VARCHAR(64) PRIMARY KEY, data BLOB, "
                    + "access_time INT, expire_interval INT)");
        }

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> new JdbcStoreProvider()
                .create(new StoreContext("app", Map.of("jdbc-url", url, "jdbc-user", "sa"), clock, Duration.ofMinutes(30),
                        getClass().getClassLoader())));

        assertTrue(refused.getMessage().contains("lack the jdbc store's columns"), refused.getMessage());
        assertTrue(refused.getMessage().contains("set table-name to a new one"), refused.getMessage());
    }
}
