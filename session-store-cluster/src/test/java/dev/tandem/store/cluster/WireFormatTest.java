package dev.tandem.store.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.StoredSession;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WireFormatTest {
    private final String id = SessionId.generate("ab");

    @Test
    void aReplicaRoundTripsWithItsDeltaAndVersions() {
        SessionChange change = new SessionChange(id, 1, 2, 1800, Map.of("a", "1".getBytes(UTF_8), "", new byte[0]),
                Set.of("gone", "ü"));
        WireFormat.Replica r = WireFormat.readReplica(WireFormat.replica(change, 6, 7));
        assertEquals(6, r.base());
        assertEquals(7, r.version());
        assertEquals(change.id(), r.change().id());
        assertEquals(2, r.change().lastAccessedTime());
        assertEquals(change.removed(), r.change().removed());
        assertArrayEquals("1".getBytes(UTF_8), r.change().changed().get("a"));
        assertArrayEquals(new byte[0], r.change().changed().get(""));
    }

    @Test
    void aRecordRoundTrips() {
        StoredSession s = new StoredSession(id, 9, 1, 2, -1, Map.of("x", new byte[] {1, 2, 3}));
        StoredSession back = WireFormat.readRecord(WireFormat.record(s));
        assertEquals(9, back.version());
        assertEquals(-1, back.maxInactiveInterval());
        assertArrayEquals(new byte[] {1, 2, 3}, back.attributes().get("x"));
    }

    @Test
    void aTruncatedOrForgedMessageIsRefusedWithoutAllocatingWhatItClaims() {
        byte[] whole = WireFormat.replica(new SessionChange(id, 1, 2, 60, Map.of("a", new byte[100]), Set.of()), 0, 1);
        for (int cut = 0; cut < whole.length; cut += 7) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            assertThrows(IllegalArgumentException.class, () -> WireFormat.readReplica(truncated), "cut at " + cut);
        }
        byte[] forged = WireFormat.record(new StoredSession(id, 1, 1, 1, 1, Map.of()));
        forged[forged.length - 1] = 0x7f; // attribute count: 2 billion
        forged[forged.length - 4] = 0x7f;
        assertThrows(IllegalArgumentException.class, () -> WireFormat.readRecord(forged));
        assertThrows(IllegalArgumentException.class, () -> WireFormat.readId(WireFormat.id("../../etc/passwdaaaaaaaa")));
    }
}
