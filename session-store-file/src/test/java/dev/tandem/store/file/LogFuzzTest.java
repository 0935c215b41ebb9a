package dev.tandem.store.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.MutableClock;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage to the segment files (bit flips, random bytes written over a range, a cut at a
 * random byte, garbage appended, a segment swapped for random bytes), then a start and a load of
 * every session: the start never fails, no load throws, and every session that loads is exactly
 * one of the versions it was saved at, never a mix. Then a save of each works.
 */
class LogFuzzTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static final int ROUNDS = 150;

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(NOW);
    /** Every version each session was saved at. */
    private final Map<String, Map<Long, StoredSession>> history = new HashMap<>();

    private SessionStore open(Path path) {
        return new FileStoreProvider().create(new StoreContext("app", Map.of("path", path.toString(),
                "segment-size", "8k"), clock, Duration.ofMinutes(30), getClass().getClassLoader()));
    }

    @Test
    void randomDamageToSegmentsNeverFailsTheStartOrALoadAndNothingLoadsMixed() throws IOException {
        Random random = new Random(2026_15);
        Path pristine = root.resolve("pristine");
        try (SessionStore store = open(pristine)) {
            for (int s = 0; s < 60; s++) {
                String id = SessionId.generate("aa");
                Map<Long, StoredSession> versions = new HashMap<>();
                StoredSession session = null;
                for (int v = 1; v <= 1 + s % 6; v++) {
                    Map<String, byte[]> changed = new HashMap<>();
                    changed.put("v", new byte[] {(byte) v});
                    if (v == 1) {
                        changed.put("filler", new byte[300 + s * 7]);
                    }
                    SessionChange change = new SessionChange(id, NOW.toEpochMilli(), NOW.toEpochMilli() + v, 1800,
                            changed, v == 3 ? Set.of("filler") : Set.of());
                    assertEquals(v, store.save(change));
                    session = change.applyTo(session, v);
                    versions.put((long) v, session);
                }
                if (s % 7 == 0) {
                    store.touch(id, NOW.toEpochMilli() + 100);
                }
                history.put(id, versions);
            }
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            Path dir = root.resolve("round-" + round);
            Files.createDirectories(dir.resolve("app"));
            for (Path segment : LogFiles.segments(pristine.resolve("app"))) {
                Files.copy(segment, dir.resolve("app").resolve(segment.getFileName()));
            }
            String family = damage(LogFiles.segments(dir.resolve("app")), random);
            try (SessionStore store = open(dir)) {
                int loaded = 0;
                for (Map.Entry<String, Map<Long, StoredSession>> session : history.entrySet()) {
                    StoredSession got = store.load(session.getKey());
                    if (got == null) {
                        continue;
                    }
                    loaded++;
                    StoredSession was = session.getValue().get(got.version());
                    assertTrue(was != null, family + ": " + session.getKey() + " at a version never saved: " + got.version());
                    assertEquals(was.attributes().keySet(), got.attributes().keySet(), family);
                    was.attributes().forEach((name, bytes) -> assertArrayEquals(bytes, got.attributes().get(name),
                            family + ": " + name));
                    long next = store.save(new SessionChange(session.getKey(), NOW.toEpochMilli(), NOW.toEpochMilli(),
                            1800, Map.of("after", new byte[1]), Set.of()));
                    assertTrue(next > got.version(), family + ": a save after the damage gets a higher version");
                }
                outcomes.merge(family + (loaded == history.size() ? " (all loaded)" : " (some lost)"), 1, Integer::sum);
            }
        }
        System.out.println("segment damage by family and outcome: " + outcomes);
    }

    /** Damages the segments one random way; the name of the way. */
    private static String damage(List<Path> segments, Random random) throws IOException {
        Path segment = segments.get(random.nextInt(segments.size()));
        byte[] bytes = Files.readAllBytes(segment);
        switch (random.nextInt(5)) {
            case 0 -> {
                for (int i = 1 + random.nextInt(8); i > 0; i--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
                Files.write(segment, bytes);
                return "bit flips";
            }
            case 1 -> {
                int at = random.nextInt(bytes.length);
                byte[] noise = new byte[Math.min(bytes.length - at, 1 + random.nextInt(200))];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, bytes, at, noise.length);
                Files.write(segment, bytes);
                return "random bytes over a range";
            }
            case 2 -> {
                Files.write(segment, java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length)));
                return "cut at a random byte";
            }
            case 3 -> {
                byte[] garbage = new byte[1 + random.nextInt(300)];
                random.nextBytes(garbage);
                Files.write(segment, garbage, StandardOpenOption.APPEND);
                return "garbage appended";
            }
            default -> {
                random.nextBytes(bytes);
                Files.write(segment, bytes);
                return "a segment of random bytes";
            }
        }
    }
}
