package dev.tandem.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.spi.LogSafe;
import dev.tandem.session.spi.StoreContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The jdbc store's init-params: defaults, and contradictions refused with what to do. */
class JdbcStoreConfigTest {

    private static JdbcStoreConfig parse(Map<String, String> parameters) {
        return JdbcStoreConfig.parse(new StoreContext("app", parameters, Clock.systemUTC(), Duration.ofMinutes(30),
                JdbcStoreConfigTest.class.getClassLoader()));
    }

    private static String refusal(Map<String, String> parameters) {
        return assertThrows(IllegalArgumentException.class, () -> parse(parameters)).getMessage();
    }

    @Test
    void onlyAPathGivesTheEmbeddedDatabaseWithTheDefaults() {
        JdbcStoreConfig config = parse(Map.of("path", "/tmp/sessions"));

        assertEquals("persistent_session", config.tableName());
        assertEquals("persistent_session_attribute", config.attributeTable());
        assertEquals(10, config.maxPoolSize());
        assertEquals(Duration.ofSeconds(2), config.connectionTimeout());
        assertEquals(Optional.empty(), config.maxIdleTime());
        assertEquals(Optional.empty(), config.blobType());
        assertTrue(config.describe().contains("embedded H2"), config.describe());
    }

    @Test
    void durationsTakeUnitsAndABareNumberIsSeconds() {
        assertEquals(Optional.of(Duration.ofHours(2)), parse(Map.of("path", "/p", "max-idle-time", "2h")).maxIdleTime());
        assertEquals(Optional.of(Duration.ofSeconds(90)), parse(Map.of("path", "/p", "max-idle-time", "90")).maxIdleTime());
        assertEquals(Duration.ofMillis(500), parse(Map.of("jdbc-url", "jdbc:h2:mem:x", "connection-timeout", "500ms"))
                .connectionTimeout());
    }

    @Test
    void theStartUpLineMasksThePassword() {
        String described = parse(Map.of("jdbc-url", "jdbc:postgresql://db/app", "jdbc-user", "app",
                "jdbc-password", "s3cret")).describe();

        assertFalse(described.contains("s3cret"), described);
        assertTrue(described.contains("jdbc-password=****"), described);
        assertEquals("jdbc:postgresql://db/app?user=x&password=****",
                LogSafe.mask("jdbc:postgresql://db/app?user=x&password=s3cret"));
        assertEquals("jdbc:mariadb://app:****@db/app", LogSafe.mask("jdbc:mariadb://app:s3cret@db/app"));
        assertEquals("jdbc:h2:tcp://db/x;USER=sa;PASSWORD=****", LogSafe.mask("jdbc:h2:tcp://db/x;USER=sa;PASSWORD=s3cret"));
        String inUrl = parse(Map.of("jdbc-url", "jdbc:postgresql://db/app?password=s3cret")).describe();
        assertFalse(inUrl.contains("s3cret"), inUrl);
    }

    @Test
    void noSourceOfConnectionsIsRefusedNamingTheThreeWays() {
        assertTrue(refusal(Map.of()).contains("set path (a directory for the embedded H2 database), jdbc-url or data-source"));
    }

    @Test
    void contradictionsAreRefusedTogetherWithWhatToDo() {
        String message = refusal(Map.of("data-source", "java:comp/env/jdbc/s", "jdbc-url", "jdbc:h2:mem:x",
                "path", "/p"));

        assertTrue(message.contains("set either data-source or jdbc-url, not both"), message);
        assertTrue(message.contains("path is only for the embedded H2 database"), message);
        assertTrue(refusal(Map.of("path", "/p", "jdbc-user", "u")).contains("jdbc-user and jdbc-password go with jdbc-url"));
        assertTrue(refusal(Map.of("path", "/p", "max-pool-size", "5")).contains("size the pool made for jdbc-url"));
    }

    @Test
    void badNumbersAndDurationsAreRefusedWithTheValue() {
        assertTrue(refusal(Map.of("jdbc-url", "jdbc:h2:mem:x", "max-pool-size", "0")).contains("got '0'"));
        assertTrue(refusal(Map.of("jdbc-url", "jdbc:h2:mem:x", "max-pool-size", "ten")).contains("got 'ten'"));
        assertTrue(refusal(Map.of("jdbc-url", "jdbc:h2:mem:x", "connection-timeout", "100ms")).contains("at least 250ms"));
        assertTrue(refusal(Map.of("path", "/p", "max-idle-time", "soon")).contains("got 'soon'"));
        assertTrue(refusal(Map.of("jdbc-url", "postgresql://db/app")).contains("must start with jdbc:"));
    }
}
