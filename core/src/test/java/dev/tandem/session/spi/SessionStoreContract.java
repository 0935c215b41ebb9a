package dev.tandem.session.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tandem.session.SessionId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link SessionStore} must do. A store module extends this class (it ships in core's
 * test-jar) and implements {@link #createStore}; a store that keeps its sessions across a restart
 * also implements {@link #restart}, and the restart tests run for it.
 *
 * <p>Time comes from {@link #clock}, which the tests move by hand; nothing sleeps.
 */
public abstract class SessionStoreContract {
    protected static final Duration SESSION_TIMEOUT = Duration.ofMinutes(30);
    protected static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private static final long T0 = START.toEpochMilli();
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    protected Path directory;

    protected final MutableClock clock = new MutableClock(START);

    private final List<SessionStore> openStores = new ArrayList<>();

    /** A new store for {@code context}; the contract closes it after the test. */
    protected abstract SessionStore createStore(StoreContext context);

    /**
     * A new store over what {@code store} persisted, as after a restart of the server, or
     * {@code null} if this store does not persist across a restart (the restart tests are then
     * skipped). {@code store} has already been closed.
     */
    protected SessionStore restart(SessionStore store, StoreContext context) {
        return null;
    }

    /**
     * The init-params the store is made with. By default only {@code path}: a directory that does
     * not exist yet (stores create it), three levels inside the test's temp directory so that an id
     * like {@code ../../etc/passwd} that slipped through would still land where the tests look.
     */
    protected Map<String, String> parameters() {
        return Map.of("path", directory.resolve("a/b/sessions").toString());
    }

    /** The context stores are made with: {@link #parameters()}, {@link #clock}, {@link #SESSION_TIMEOUT}. */
    protected StoreContext context() {
        return new StoreContext("test-app", parameters(), clock, SESSION_TIMEOUT, getClass().getClassLoader());
    }

    /** Saves per thread in the concurrency tests; a slow store may lower it. */
    protected int concurrentRounds() {
        return 100;
    }

    /** A store made by {@link #createStore} with {@link #context()}, closed after the test. */
    protected final SessionStore openStore() {
        SessionStore store = createStore(context());
        assertNotNull(store, "createStore returned null");
        openStores.add(store);
        return store;
    }

    /** Closes {@code store} and opens it again through {@link #restart}, or skips the test. */
    protected final SessionStore restarted(SessionStore store) {
        openStores.remove(store);
        store.close();
        SessionStore next = restart(store, context());
        assumeTrue(next != null, "this store does not persist across a restart");
        openStores.add(next);
        return next;
    }

    @AfterEach
    void closeStores() {
        RuntimeException failure = null;
        Collections.reverse(openStores);
        for (SessionStore store : openStores) {
            try {
                store.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        openStores.clear();
        if (failure != null) {
            throw failure;
        }
    }

    // ---- round trip and versions

    @Test
    void aSavedSessionLoadsWithItsTimesIntervalAndAttributeBytes() {
        SessionStore store = openStore();
        String id = newId();
        byte[] allBytes = new byte[256];
        for (int i = 0; i < allBytes.length; i++) {
            allBytes[i] = (byte) i;
        }
        Map<String, byte[]> attributes = Map.of(
                "user", bytes("alice"),
                "every byte", allBytes,
                "empty", new byte[0],
                "naïve/näme with spaces", bytes("unicode names are just names"));

        store.save(new SessionChange(id, T0 - 5_000, T0, 1234, attributes, Set.of()));

        StoredSession loaded = store.load(id);
        assertNotNull(loaded);
        assertEquals(id, loaded.id());
        assertEquals(1, loaded.version());
        assertEquals(T0 - 5_000, loaded.creationTime());
        assertEquals(T0, loaded.lastAccessedTime());
        assertEquals(1234, loaded.maxInactiveInterval());
        assertAttributes(attributes, loaded.attributes());
    }

    @Test
    void theFirstSaveGivesVersionOneAndEachSaveRaisesItByOne() {
        SessionStore store = openStore();
        String id = newId();

        assertEquals(1, store.save(first(id, Map.of("a", bytes("1")))));
        assertEquals(2, store.save(delta(id, T0 + 1_000, Map.of("a", bytes("2")), Set.of())));
        assertEquals(3, store.save(delta(id, T0 + 2_000, Map.of(), Set.of())));
        assertEquals(3, store.load(id).version());
    }

    @Test
    void theVersionOfAnUnknownSessionIsZeroAndOfAStoredOneEqualsTheLoadedVersion() {
        SessionStore store = openStore();
        String id = newId();

        assertEquals(0, store.version(id));
        assertNull(store.load(id));

        store.save(first(id, Map.of("a", bytes("1"))));
        store.save(delta(id, T0, Map.of("b", bytes("2")), Set.of()));

        assertEquals(2, store.version(id));
        assertEquals(store.version(id), store.load(id).version());
        assertEquals(0, store.version(newId()));
    }

    @Test
    void aDeltaChangesOnlyTheNamedAttributesAndDeletesTheRemovedOnes() {
        SessionStore store = openStore();
        String id = newId();
        store.save(first(id, Map.of("a", bytes("a1"), "b", bytes("b1"), "c", bytes("c1"))));

        long version = store.save(new SessionChange(id, T0, T0 + 10_000, 600,
                Map.of("b", bytes("b2"), "d", bytes("d1")), Set.of("c", "never-there")));

        StoredSession loaded = store.load(id);
        assertEquals(2, version);
        assertAttributes(Map.of("a", bytes("a1"), "b", bytes("b2"), "d", bytes("d1")), loaded.attributes());
        assertEquals(T0, loaded.creationTime());
        assertEquals(T0 + 10_000, loaded.lastAccessedTime());
        assertEquals(600, loaded.maxInactiveInterval());
    }

    @Test
    void aBrandNewSessionWithoutAttributesSaves() {
        SessionStore store = openStore();
        String id = newId();

        assertEquals(1, store.save(first(id, Map.of())));

        StoredSession loaded = store.load(id);
        assertNotNull(loaded);
        assertEquals(Map.of(), loaded.attributes());
        assertEquals(T0, loaded.creationTime());

        store.save(delta(id, T0, Map.of("a", bytes("1")), Set.of()));
        store.save(delta(id, T0, Map.of(), Set.of("a")));
        assertEquals(Map.of(), store.load(id).attributes());
    }

    @Test
    void aOneMebibyteAttributeRoundTrips() {
        SessionStore store = openStore();
        String id = newId();
        byte[] large = new byte[1 << 20];
        new Random(42).nextBytes(large);

        store.save(first(id, Map.of("large", large, "small", bytes("s1"))));
        store.save(delta(id, T0, Map.of("small", bytes("s2")), Set.of()));

        assertAttributes(Map.of("large", large, "small", bytes("s2")), store.load(id).attributes());
    }

    @Test
    void twoThousandSessionsSaveAndLoad() {
        SessionStore store = openStore();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String id = newId();
            ids.add(id);
            assertEquals(1, store.save(first(id, Map.of("n", bytes("n" + i)))));
        }
        for (int i = 0; i < ids.size(); i++) {
            StoredSession loaded = store.load(ids.get(i));
            assertNotNull(loaded, "session " + i);
            assertArrayEquals(bytes("n" + i), loaded.attributes().get("n"), "session " + i);
            assertEquals(1, store.version(ids.get(i)));
        }
    }

    // ---- byte arrays are not shared

    @Test
    void loadedAttributesCannotBeUsedToChangeTheStore() {
        SessionStore store = openStore();
        String id = newId();
        store.save(first(id, Map.of("a", bytes("original"))));

        StoredSession loaded = store.load(id);
        assertThrows(UnsupportedOperationException.class, () -> loaded.attributes().put("b", bytes("x")));
        assertThrows(UnsupportedOperationException.class, () -> loaded.attributes().remove("a"));
        loaded.attributes().get("a")[0] = 'X';

        assertArrayEquals(bytes("original"), store.load(id).attributes().get("a"));
    }

    @Test
    void writingIntoASavedArrayAfterTheSaveDoesNotChangeTheStore() {
        SessionStore store = openStore();
        String id = newId();
        byte[] written = bytes("original");
        store.save(first(id, Map.of("a", written)));

        written[0] = 'X';

        assertArrayEquals(bytes("original"), store.load(id).attributes().get("a"));
    }

    // ---- touch

    @Test
    void touchUpdatesTheLastAccessTimeWithoutChangingAttributesOrVersion() {
        SessionStore store = openStore();
        String id = newId();
        Map<String, byte[]> attributes = Map.of("a", bytes("1"), "b", bytes("2"));
        store.save(first(id, attributes));

        store.touch(id, T0 + 5_000);

        StoredSession loaded = store.load(id);
        assertEquals(T0 + 5_000, loaded.lastAccessedTime());
        assertEquals(T0, loaded.creationTime());
        assertEquals(1800, loaded.maxInactiveInterval());
        assertEquals(1, loaded.version());
        assertEquals(1, store.version(id));
        assertAttributes(attributes, loaded.attributes());
        assertEquals(2, store.save(delta(id, T0 + 6_000, Map.of(), Set.of())));
    }

    @Test
    void touchOfASessionTheStoreDoesNotHoldCreatesNothing() {
        SessionStore store = openStore();
        String id = newId();

        store.touch(id, T0);

        assertNull(store.load(id));
        assertEquals(0, store.version(id));
        assertEquals(1, store.save(first(id, Map.of())));
    }

    // ---- remove and tombstones

    @Test
    void aRemovedSessionLoadsAsNullWithVersionZero() {
        SessionStore store = openStore();
        String id = newId();
        store.save(first(id, Map.of("a", bytes("1"))));

        store.remove(id);

        assertNull(store.load(id));
        assertEquals(0, store.version(id));
        store.remove(id);
    }

    @Test
    void aLateSaveOfARemovedSessionIsRefused() {
        SessionStore store = openStore();
        String id = newId();
        store.save(first(id, Map.of("a", bytes("1"))));
        store.remove(id);

        SessionRemovedException refused = assertThrows(SessionRemovedException.class,
                () -> store.save(delta(id, T0 + 1_000, Map.of("a", bytes("2")), Set.of())));

        assertEquals(id, refused.sessionId());
        assertNull(store.load(id));
        assertEquals(0, store.version(id));
    }

    @Test
    void aSessionRemovedBeforeItsFirstSaveIsRefusedToo() {
        SessionStore store = openStore();
        String id = newId();

        store.remove(id);

        assertThrows(SessionRemovedException.class, () -> store.save(first(id, Map.of())));
        assertNull(store.load(id));
    }

    @Test
    void theTombstoneStandsForAtLeastTheSessionTimeoutThroughSweeps() {
        SessionStore store = openStore();
        String id = newId();
        store.save(new SessionChange(id, T0, T0, 60, Map.of(), Set.of()));
        store.remove(id);

        clock.advance(SESSION_TIMEOUT.minusSeconds(1));
        store.sweepExpired(clock.millis());

        assertThrows(SessionRemovedException.class, () -> store.save(delta(id, clock.millis(), Map.of(), Set.of())));
    }

    @Test
    void theTombstoneStandsForAtLeastAMaxInactiveIntervalLongerThanTheSessionTimeout() {
        SessionStore store = openStore();
        String id = newId();
        Duration interval = SESSION_TIMEOUT.multipliedBy(4);
        store.save(new SessionChange(id, T0, T0, (int) interval.toSeconds(), Map.of(), Set.of()));
        store.remove(id);

        clock.advance(interval.minusSeconds(1));
        store.sweepExpired(clock.millis());

        assertThrows(SessionRemovedException.class, () -> store.save(delta(id, clock.millis(), Map.of(), Set.of())));
    }

    @Test
    void aTouchDoesNotBringBackARemovedSession() {
        SessionStore store = openStore();
        String id = newId();
        store.save(first(id, Map.of("a", bytes("1"))));
        store.remove(id);

        store.touch(id, T0 + 1_000);

        assertNull(store.load(id));
        assertEquals(0, store.version(id));
    }

    @Test
    void aLateSaveOfARemovedSessionIsRefusedAfterARestart() {
        SessionStore store = openStore();
        String id = newId();
        store.save(first(id, Map.of("a", bytes("1"))));
        store.remove(id);

        SessionStore again = restarted(store);

        assertNull(again.load(id));
        assertThrows(SessionRemovedException.class, () -> again.save(delta(id, T0, Map.of(), Set.of())));
    }

    // ---- expiry

    @Test
    void sweepDeletesExactlyTheExpiredSessionsAndReturnsTheirIds() {
        SessionStore store = openStore();
        long now = T0 + 61_000;
        String expired = save(store, T0, 60);
        String expiredLongAgo = save(store, T0 - 86_400_000, 3600);
        String expiresExactlyNow = save(store, T0 + 1_000, 60);
        String fresh = save(store, now, 60);
        String neverExpiresZero = save(store, T0 - 864_000_000, 0);
        String neverExpiresNegative = save(store, T0 - 864_000_000, -1);
        clock.set(Instant.ofEpochMilli(now));

        List<String> swept = store.sweepExpired(now);

        assertEquals(Set.of(expired, expiredLongAgo), new HashSet<>(swept));
        assertEquals(2, swept.size(), "an id is reported once: " + swept);
        assertNull(store.load(expired));
        assertEquals(0, store.version(expiredLongAgo));
        for (String kept : List.of(expiresExactlyNow, fresh, neverExpiresZero, neverExpiresNegative)) {
            assertEquals(1, store.version(kept));
            assertNotNull(store.load(kept));
        }
        assertEquals(List.of(), store.sweepExpired(now));
    }

    @Test
    void aRecentlyTouchedSessionIsNotSwept() {
        SessionStore store = openStore();
        String id = save(store, T0, 60);

        store.touch(id, T0 + 50_000);

        assertEquals(List.of(), store.sweepExpired(T0 + 100_000));
        assertNotNull(store.load(id));
        assertEquals(List.of(id), store.sweepExpired(T0 + 111_000));
    }

    // ---- concurrency

    @Test
    void concurrentSavesOfDifferentAttributesOfOneSessionAllSurvive() throws Exception {
        SessionStore store = openStore();
        String id = newId();
        int threads = 8;
        int rounds = concurrentRounds();
        Set<Long> versions = ConcurrentHashMap.newKeySet();

        runConcurrently(threads, thread -> {
            for (int round = 0; round < rounds; round++) {
                versions.add(store.save(delta(id, T0 + round,
                        Map.of("attribute-" + thread, bytes(thread + ":" + round)), Set.of())));
            }
        });

        StoredSession loaded = store.load(id);
        assertEquals((long) threads * rounds, loaded.version());
        assertEquals(everyVersionUpTo(threads * rounds), versions, "each save got its own version");
        assertEquals(threads, loaded.attributes().size());
        for (int thread = 0; thread < threads; thread++) {
            assertArrayEquals(bytes(thread + ":" + (rounds - 1)), loaded.attributes().get("attribute-" + thread),
                    "attribute-" + thread);
        }
    }

    @Test
    void concurrentSavesOfOneAttributeKeepTheValueOfTheLastSaveAndCountEverySave() throws Exception {
        SessionStore store = openStore();
        String id = newId();
        int threads = 8;
        int rounds = concurrentRounds();
        Map<Long, String> valueByVersion = new ConcurrentHashMap<>();

        runConcurrently(threads, thread -> {
            for (int round = 0; round < rounds; round++) {
                String value = thread + ":" + round;
                long version = store.save(delta(id, T0 + round, Map.of("shared", bytes(value)), Set.of()));
                assertNull(valueByVersion.put(version, value), "version " + version + " given twice");
            }
        });

        StoredSession loaded = store.load(id);
        long saves = (long) threads * rounds;
        assertEquals(saves, loaded.version());
        assertEquals(everyVersionUpTo(saves), valueByVersion.keySet());
        assertEquals(valueByVersion.get(saves), new String(loaded.attributes().get("shared"), UTF_8),
                "the save that got the highest version wins");
    }

    // ---- malformed ids

    static Stream<Named<String>> malformedIds() {
        String oneBad = "aaaaaaaaaaaa%saaaaaaaaaaa";
        return Stream.of(
                Named.of("null", null),
                Named.of("empty", ""),
                Named.of("10 KB", "a".repeat(10_240)),
                Named.of("../../etc/passwd", "../../etc/passwd"),
                Named.of("../../etc/passwd padded to 24", "../../etc/passwdaaaaaaaa"),
                Named.of("24 chars ending in ../../etc/passwd", "aaaaaaaa../../etc/passwd"),
                Named.of("..\\..\\etc\\passwd padded to 24", "..\\..\\etc\\passwdaaaaaaaa"),
                Named.of("url-encoded ../../etc/passwd", "..%2f..%2fetc%2fpasswdaa"),
                Named.of("23 chars", "a".repeat(23)),
                Named.of("25 chars", "a".repeat(25)),
                Named.of("a slash", String.format(oneBad, "/")),
                Named.of("a dot", String.format(oneBad, ".")),
                Named.of("a percent", String.format(oneBad, "%")),
                Named.of("a plus", String.format(oneBad, "+")),
                Named.of("a space", String.format(oneBad, " ")),
                Named.of("a NUL", String.format(oneBad, "\0")),
                Named.of("an accented letter", String.format(oneBad, "é")),
                Named.of("a fullwidth letter", String.format(oneBad, "ａ")),
                Named.of("an emoji", "aaaaaaaaaaaa\uD83D\uDE00aaaaaaaaaa"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedIds")
    void aMalformedIdIsRefusedByEveryMethodAndCreatesNothing(String id) throws IOException {
        SessionStore store = openStore();
        SessionChange change = new SessionChange(id, T0, T0, 60, Map.of("a", bytes("1")), Set.of());

        assertThrows(IllegalArgumentException.class, () -> store.load(id));
        assertThrows(IllegalArgumentException.class, () -> store.version(id));
        assertThrows(IllegalArgumentException.class, () -> store.save(change));
        assertThrows(IllegalArgumentException.class, () -> store.touch(id, T0));
        assertThrows(IllegalArgumentException.class, () -> store.remove(id));

        assertEquals(List.of(), store.sweepExpired(Long.MAX_VALUE), "no record was created");
        try (Stream<Path> files = Files.walk(directory)) {
            List<Path> suspicious = files
                    .filter(path -> path.getFileName().toString().contains("passwd")
                            || path.getFileName().toString().contains(".."))
                    .collect(Collectors.toList());
            assertEquals(List.of(), suspicious);
        }
    }

    // ---- restart

    @Test
    void sessionsAndVersionsSurviveARestart() {
        SessionStore store = openStore();
        String once = newId();
        String thrice = newId();
        String touched = newId();
        store.save(first(once, Map.of("a", bytes("1"))));
        store.save(first(thrice, Map.of("a", bytes("1"), "b", bytes("1"))));
        store.save(delta(thrice, T0 + 1_000, Map.of("a", bytes("2")), Set.of()));
        store.save(delta(thrice, T0 + 2_000, Map.of("c", bytes("3")), Set.of("b")));
        store.save(first(touched, Map.of()));
        store.touch(touched, T0 + 9_000);

        SessionStore again = restarted(store);

        assertEquals(1, again.version(once));
        assertAttributes(Map.of("a", bytes("1")), again.load(once).attributes());
        StoredSession loaded = again.load(thrice);
        assertEquals(3, loaded.version());
        assertEquals(T0 + 2_000, loaded.lastAccessedTime());
        assertAttributes(Map.of("a", bytes("2"), "c", bytes("3")), loaded.attributes());
        assertEquals(T0 + 9_000, again.load(touched).lastAccessedTime());
        assertEquals(1, again.version(touched));
        assertEquals(4, again.save(delta(thrice, T0 + 3_000, Map.of(), Set.of())));
    }

    // ---- helpers

    /** A fresh well-formed id, as core would make for a new session. */
    protected static String newId() {
        return SessionId.generate("aa");
    }

    protected static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }

    /** The first save of a session created at the start of the clock, with a 30-minute interval. */
    private static SessionChange first(String id, Map<String, byte[]> attributes) {
        return new SessionChange(id, T0, T0, 1800, attributes, Set.of());
    }

    private static SessionChange delta(String id, long lastAccessedTime, Map<String, byte[]> changed, Set<String> removed) {
        return new SessionChange(id, T0, lastAccessedTime, 1800, changed, removed);
    }

    private static String save(SessionStore store, long lastAccessedTime, int maxInactiveInterval) {
        String id = newId();
        store.save(new SessionChange(id, lastAccessedTime, lastAccessedTime, maxInactiveInterval, Map.of(), Set.of()));
        return id;
    }

    protected static void assertAttributes(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(new HashSet<>(expected.keySet()), new HashSet<>(actual.keySet()), "attribute names");
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), "attribute " + name));
    }

    private static Set<Long> everyVersionUpTo(long last) {
        return LongStream.rangeClosed(1, last).boxed().collect(Collectors.toSet());
    }

    private interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /** Runs {@code body} on {@code threads} threads released together, bounded by a timeout. */
    private static void runConcurrently(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int index = thread;
                running.add(pool.submit(() -> {
                    start.await();
                    body.run(index);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : running) {
                future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS), "save threads did not stop");
        }
    }
}
