package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionConfigTest {

    @Test
    void defaultsFollowResinAndTheContainer() {
        SessionConfig config = SessionConfig.parse(Map.of(), 30, Set.of());
        assertEquals("memory", config.persistentStore());
        assertFalse(config.alwaysLoadSession() || config.alwaysSaveSession() || config.saveOnlyOnShutdown());
        assertEquals(Duration.ofMinutes(30), config.sessionTimeout());
        assertEquals(1800, config.maxInactiveIntervalSeconds());
        assertEquals(4096, config.maxSessionsInMemory());
        assertEquals(Duration.ofSeconds(60), config.reaperInterval());
    }

    @Test
    void sessionTimeoutIsInMinutesUnlessAUnitIsGiven() {
        assertEquals(Duration.ofMinutes(45), SessionConfig.parse(Map.of("session-timeout", "45"), 30, Set.of()).sessionTimeout());
        assertEquals(Duration.ofSeconds(90), SessionConfig.parse(Map.of("session-timeout", "90s"), 30, Set.of()).sessionTimeout());
        assertEquals(-1, SessionConfig.parse(Map.of("session-timeout", "0"), 30, Set.of()).maxInactiveIntervalSeconds());
    }

    @Test
    void anUnknownParamIsRefusedWithTheListOfKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionConfig.parse(Map.of("alway-save-session", "true"), 30, Set.of("path")));
        assertTrue(e.getMessage().contains("alway-save-session") && e.getMessage().contains("always-save-session")
                && e.getMessage().contains("path"), e.getMessage());
    }

    @Test
    void storeParamsAreHandedToTheStoreAndSecretsAreMaskedInTheLog() {
        SessionConfig config = SessionConfig.parse(Map.of("path", "/tmp/x", "jdbc-password", "hunter2"), 30,
                Set.of("path", "jdbc-password"));
        assertEquals(Map.of("path", "/tmp/x", "jdbc-password", "hunter2"), config.storeParameters());
        assertFalse(config.describe().contains("hunter2"), config.describe());
        assertTrue(config.describe().contains("path=/tmp/x"));
        SessionConfig inUrl = SessionConfig.parse(Map.of("jdbc-url", "jdbc:postgresql://db/app?user=a&password=hunter2"),
                30, Set.of("jdbc-url"));
        assertTrue(inUrl.describe().contains("jdbc-url=jdbc:postgresql://db/app?user=a&password=****"), inUrl.describe());
    }

    @Test
    void contradictoryOrMalformedValuesAreRefusedNamingTheParam() {
        assertMessage("save-only-on-shutdown", Map.of("save-only-on-shutdown", "true", "always-save-session", "true"));
        assertMessage("save-only-on-shutdown", Map.of("save-only-on-shutdown", "true", "always-load-session", "true"));
        assertMessage("always-save-session must be true or false", Map.of("always-save-session", "sometimes"));
        assertMessage("session-timeout", Map.of("session-timeout", "soon"));
        assertMessage("max-sessions-in-memory", Map.of("max-sessions-in-memory", "0"));
        assertMessage("serialization", Map.of("serialization", "xml"));
        assertMessage("cookie-name", Map.of("cookie-name", "bad name;"));
        assertMessage("reaper-interval", Map.of("reaper-interval", "1ms"));
        assertMessage("serialization-filter", Map.of("serialization-filter", "maxdepth=x"));
    }

    private static void assertMessage(String expected, Map<String, String> params) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SessionConfig.parse(params, 30, Set.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
