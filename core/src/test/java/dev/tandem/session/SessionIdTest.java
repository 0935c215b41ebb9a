package dev.tandem.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionIdTest {

    @Test
    void generatedIdsAreWellFormedDistinctAndCarryOwnerAndBackup() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = SessionId.generate("cb");
            assertTrue(SessionId.isWellFormed(id), id);
            assertEquals(2, SessionId.ownerIndex(id));
            assertEquals(1, SessionId.backupIndex(id));
            assertTrue(seen.add(id));
        }
    }

    @Test
    void theServerAlphabetMapsIndexesBothWays() {
        for (int i = 0; i < 64; i++) {
            assertEquals(i, SessionId.indexOf(SessionId.serverChar(i)));
        }
        assertEquals('a', SessionId.serverChar(0));
        assertEquals('_', SessionId.serverChar(63));
        assertThrows(IllegalArgumentException.class, () -> SessionId.serverChar(64));
        assertThrows(IllegalArgumentException.class, () -> SessionId.generate("a"));
        assertThrows(IllegalArgumentException.class, () -> SessionId.generate("a."));
    }

    @Test
    void anythingButTwentyFourAlphabetCharactersIsNotAnId() {
        String good = SessionId.generate("aa");
        for (String bad : new String[] {null, "", good.substring(1), good + "a", "../../etc/passwd/aaaaaaaa",
                good.substring(0, 23) + "/", good.substring(0, 23) + ".", good.substring(0, 23) + "=",
                good.substring(0, 23) + "é", "a".repeat(10_000)}) {
            assertFalse(SessionId.isWellFormed(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> SessionId.requireWellFormed(bad));
        }
    }

    @Test
    void aRefusedIdIsNotEchoedWhole() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SessionId.requireWellFormed("x".repeat(10_000)));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
    }
}
