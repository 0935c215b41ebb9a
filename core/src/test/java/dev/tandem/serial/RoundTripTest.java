package dev.tandem.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectInputStream;
import java.io.ObjectOutput;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class RoundTripTest {

    private static <T> T roundTrip(Serialization serialization, T value) {
        AttributeCodec codec = serialization.codec(RoundTripTest.class.getClassLoader(), ClassFilter.of(null));
        byte[] bytes = codec.encode("attr", value);
        @SuppressWarnings("unchecked")
        T copy = (T) codec.decode("attr", bytes);
        return copy;
    }

    static Stream<Arguments> equalValues() {
        Map<String, Integer> linked = new LinkedHashMap<>();
        linked.put("zebra", 1);
        linked.put("apple", 2);
        linked.put("mango", 3);
        Map<String, List<Integer>> nested = new HashMap<>();
        nested.put("a", new ArrayList<>(List.of(1, 2)));
        nested.put("b", List.of());
        Map<String, Object> concurrent = new ConcurrentHashMap<>(Map.of("k", "v", "n", 1));
        Map<String, String> synchronizedMap = Collections.synchronizedMap(new HashMap<>(Map.of("k", "v")));
        List<Object> values = Arrays.asList(
                new ArrayList<>(List.of("a", "b")),
                new HashMap<>(Map.of("a", 1, "b", 2)),
                linked,
                new TreeMap<>(Map.of("b", 2, "a", 1)),
                new HashSet<>(Set.of("x", "y")),
                concurrent,
                List.of(), List.of(1), List.of(1, 2, 3),
                Map.of(), Map.of("a", 1), Map.of("a", 1, "b", 2, "c", 3),
                Set.of(), Set.of("s"), Set.of("s", "t", "u"),
                Collections.unmodifiableList(new ArrayList<>(List.of("u", "v"))),
                synchronizedMap,
                Arrays.asList("p", "q"),
                new ArrayList<>(), new HashMap<>(), Collections.emptyList(), Collections.emptyMap(),
                Collections.singletonList("one"),
                nested,
                new Money(new BigDecimal("12.50"), "EUR"),
                new Basket("ann", List.of("apple", "pear")),
                new Basket("bob", new ArrayList<>(List.of("plum"))),
                Colour.RED, Operation.PLUS, Operation.MINUS,
                Instant.parse("2024-05-01T10:15:30.123456789Z"),
                LocalDate.of(2024, 2, 29),
                ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris")),
                Duration.ofMillis(90_061_001),
                new BigDecimal("-1234567890.0987654321"),
                new BigInteger("123456789012345678901234567890"),
                UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
                new Point(3, -4),
                "héllo ✓ wörld", "", 42, 42L, 3.5d, 2.5f, true, 'c', (byte) 7, (short) -3);
        return values.stream().map(v -> Arguments.of(v.getClass().getSimpleName(), v));
    }

    static Stream<Arguments> serializationsAndValues() {
        return Stream.of(Serialization.values())
                .flatMap(s -> equalValues().map(a -> Arguments.of(s, a.get()[0], a.get()[1])));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("serializationsAndValues")
    void aValueComesBackEqualAndOfTheSameClass(Serialization serialization, String label, Object value) {
        Object copy = roundTrip(serialization, value);
        assertEquals(value, copy);
        assertEquals(value.getClass(), copy.getClass());
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void nullComesBackAsNull(Serialization serialization) {
        assertNull(roundTrip(serialization, null));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aLinkedHashMapKeepsItsOrder(Serialization serialization) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (String key : List.of("zebra", "apple", "mango", "kiwi")) {
            map.put(key, key.length());
        }
        assertEquals(List.copyOf(map.keySet()), List.copyOf(roundTrip(serialization, map).keySet()));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aTreeMapKeepsItsSerializableComparator(Serialization serialization) {
        TreeMap<String, Integer> byLength = new TreeMap<>(new ByLength());
        byLength.putAll(Map.of("ccc", 3, "a", 1, "bb", 2));
        TreeMap<String, Integer> reversed = new TreeMap<>(Comparator.reverseOrder());
        reversed.putAll(Map.of("a", 1, "b", 2, "c", 3));

        TreeMap<String, Integer> byLengthCopy = roundTrip(serialization, byLength);
        TreeMap<String, Integer> reversedCopy = roundTrip(serialization, reversed);

        assertEquals(ByLength.class, byLengthCopy.comparator().getClass());
        assertEquals(List.of("a", "bb", "ccc"), List.copyOf(byLengthCopy.keySet()));
        assertEquals(List.of("c", "b", "a"), List.copyOf(reversedCopy.keySet()));
        reversedCopy.put("d", 4);
        assertEquals("d", reversedCopy.firstKey());
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void atomicsClosedByTheModuleSystemKeepTheirValue(Serialization serialization) {
        assertEquals(42, roundTrip(serialization, new AtomicInteger(41)).incrementAndGet());
        assertEquals(-7L, roundTrip(serialization, new AtomicLong(-7L)).get());
        List<AtomicInteger> shared = new ArrayList<>();
        AtomicInteger counter = new AtomicInteger(5);
        shared.add(counter);
        shared.add(counter);
        List<AtomicInteger> copy = roundTrip(serialization, shared);
        assertSame(copy.get(0), copy.get(1));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aClassWithReadObjectGetsItsTransientStateRebuilt(Serialization serialization) {
        Temperature copy = roundTrip(serialization, new Temperature(21.5));
        assertEquals(21.5, copy.celsius);
        assertEquals("21.5 °C", copy.label);
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void anExternalizableClassIsWrittenByItsOwnMethods(Serialization serialization) {
        Version copy = roundTrip(serialization, new Version(3, 14));
        assertEquals("3.14", copy.toString());
        assertEquals(1, copy.readExternalCalls);
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aCyclicGraphKeepsItsIdentities(Serialization serialization) {
        Node a = new Node("a");
        Node b = new Node("b");
        a.next = b;
        b.next = a;
        Node copy = roundTrip(serialization, a);
        assertEquals("b", copy.next.name);
        assertSame(copy, copy.next.next);
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void anEnumConstantWithABodyComesBackAsTheSameConstant(Serialization serialization) {
        assertSame(Operation.MINUS, roundTrip(serialization, Operation.MINUS));
        assertEquals(1, roundTrip(serialization, Operation.MINUS).apply(3, 2));
        assertEquals(List.of(Operation.PLUS, Colour.BLUE), roundTrip(serialization, List.of(Operation.PLUS, Colour.BLUE)));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void arraysComeBackWithTheirElements(Serialization serialization) {
        assertArrayEquals(new int[] {1, -2, 3}, roundTrip(serialization, new int[] {1, -2, 3}));
        assertArrayEquals(new byte[] {0, 127, -128}, roundTrip(serialization, new byte[] {0, 127, -128}));
        assertArrayEquals(new String[] {"a", null, "c"}, roundTrip(serialization, new String[] {"a", null, "c"}));
        Object[] mixed = roundTrip(serialization, new Object[] {1, "two", new Point(3, 3), null});
        assertArrayEquals(new Object[] {1, "two", new Point(3, 3), null}, mixed);
        long[][] grid = roundTrip(serialization, new long[][] {{1L, 2L}, {}});
        assertArrayEquals(new long[] {1L, 2L}, grid[0]);
        assertEquals(0, grid[1].length);
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aSubclassOfAListKeepsItsOwnFields(Serialization serialization) {
        Cart cart = new Cart("ann");
        cart.add("apple");
        Cart copy = roundTrip(serialization, cart);
        assertEquals("ann", copy.owner);
        assertEquals(List.of("apple"), copy);
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aSerializableProxyComesBackWorking(Serialization serialization) {
        Greeter greeter = (Greeter) Proxy.newProxyInstance(
                Greeter.class.getClassLoader(), new Class<?>[] {Greeter.class}, new FixedAnswer("hello"));
        Greeter copy = roundTrip(serialization, greeter);
        assertEquals("hello", copy.greet());
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aSerializableLambdaComesBackWorking(Serialization serialization) {
        String captured = "from a lambda";
        Supplier<String> supplier = (Supplier<String> & Serializable) () -> captured;
        assertEquals("from a lambda", roundTrip(serialization, supplier).get());
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void theSameCodecServesManyCallsInARow(Serialization serialization) {
        AttributeCodec codec = serialization.codec(getClass().getClassLoader(), ClassFilter.of(null));
        for (int i = 0; i < 200; i++) {
            Basket basket = new Basket("user" + i, List.of("item" + i));
            assertEquals(basket, codec.decode("basket", codec.encode("basket", basket)));
        }
        String large = "x".repeat(3 * 1024 * 1024);
        assertEquals(large, codec.decode("large", codec.encode("large", large)));
        assertNotNull(codec.decode("after", codec.encode("after", new Point(1, 1))));
    }

    record Money(BigDecimal amount, String currency) implements Serializable {
    }

    record Basket(String owner, List<String> items) implements Serializable {
    }

    enum Colour { RED, BLUE }

    enum Operation {
        PLUS {
            @Override
            int apply(int a, int b) {
                return a + b;
            }
        },
        MINUS {
            @Override
            int apply(int a, int b) {
                return a - b;
            }
        };

        abstract int apply(int a, int b);
    }

    static final class Point implements Serializable {
        private static final long serialVersionUID = 1L;
        final int x;
        final int y;

        Point(int x, int y) {
            this.x = x;
            this.y = y;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Point p && p.x == x && p.y == y;
        }

        @Override
        public int hashCode() {
            return 31 * x + y;
        }
    }

    static final class ByLength implements Comparator<String>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(String a, String b) {
            return Integer.compare(a.length(), b.length());
        }
    }

    static final class Temperature implements Serializable {
        private static final long serialVersionUID = 1L;
        final double celsius;
        transient String label;

        Temperature(double celsius) {
            this.celsius = celsius;
            this.label = celsius + " °C";
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            label = celsius + " °C";
        }
    }

    public static final class Version implements Externalizable {
        private int major;
        private int minor;
        transient int readExternalCalls;

        public Version() {
        }

        Version(int major, int minor) {
            this.major = major;
            this.minor = minor;
        }

        @Override
        public void writeExternal(ObjectOutput out) throws IOException {
            out.writeInt(major);
            out.writeInt(minor);
        }

        @Override
        public void readExternal(ObjectInput in) throws IOException {
            major = in.readInt();
            minor = in.readInt();
            readExternalCalls++;
        }

        @Override
        public String toString() {
            return major + "." + minor;
        }
    }

    static final class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        final String name;
        Node next;

        Node(String name) {
            this.name = name;
        }
    }

    static final class Cart extends ArrayList<String> {
        private static final long serialVersionUID = 1L;
        final String owner;

        Cart(String owner) {
            this.owner = owner;
        }
    }

    public interface Greeter {
        String greet();
    }

    static final class FixedAnswer implements InvocationHandler, Serializable {
        private static final long serialVersionUID = 1L;
        private final String answer;

        FixedAnswer(String answer) {
            this.answer = answer;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return method.getName().equals("greet") ? answer : null;
        }
    }
}
