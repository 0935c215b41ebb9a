package dev.tandem.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MalformedInputTest {

    private static final byte[] LARGEST_VARINT = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};

    private static AttributeCodec codec(Serialization serialization) {
        return serialization.codec(MalformedInputTest.class.getClassLoader(), ClassFilter.of(null));
    }

    private static Object richValue() {
        Map<String, Object> map = new HashMap<>();
        map.put("list", new ArrayList<>(List.of("a", "bé", 3)));
        map.put("ints", new int[] {1, 2, 3});
        map.put("strings", new String[] {"x", "y"});
        map.put("objects", new Object[] {new Item("pen", new BigDecimal("1.20")), null});
        map.put("counter", new AtomicInteger(9));
        map.put("item", new Item("ink", BigDecimal.TEN));
        map.put("text", "ünïcödé text that is long enough to matter");
        map.put("immutable", List.of("p", "q", "r"));
        map.put("asList", Arrays.asList(4, 5));
        map.put("queue", new PriorityQueue<>(List.of(3, 1, 2)));
        map.put("longs", new long[] {Long.MAX_VALUE, -1L});
        return map;
    }

    /** Decoding garbage may yield some value or a SerializationException; any other outcome fails the test. */
    private static void decodeSurvives(AttributeCodec codec, byte[] bytes) {
        try {
            codec.decode("garbage", bytes);
        } catch (SerializationException expected) {
            assertTrue(expected.getMessage().startsWith("attribute 'garbage'"), expected.getMessage());
        } catch (OutOfMemoryError e) {
            // Rethrown as a plain failure: JUnit would let the error itself end the whole test run.
            throw new AssertionError(codec + " let an OutOfMemoryError escape", e);
        }
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void randomBytesNeverEscapeAsAnythingButASerializationException(Serialization serialization) {
        AttributeCodec codec = codec(serialization);
        Random random = new Random(20240501);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[1 + random.nextInt(64)];
            random.nextBytes(bytes);
            decodeSurvives(codec, bytes);
        }
        assertThrows(SerializationException.class, () -> codec.decode("garbage", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void everyTruncationOfAValueIsASerializationException(Serialization serialization) {
        AttributeCodec codec = codec(serialization);
        byte[] bytes = codec.encode("rich", richValue());
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            SerializationException e = assertThrows(SerializationException.class, () -> codec.decode("rich", truncated));
            assertTrue(e.getMessage().startsWith("attribute 'rich' "), e.getMessage());
        }
        Map<?, ?> copy = (Map<?, ?>) codec.decode("rich", bytes);
        assertEquals(((Map<?, ?>) richValue()).get("text"), copy.get("text"));
        assertEquals(List.of("p", "q", "r"), copy.get("immutable"));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aHugeLengthAnywhereDoesNotAllocateIt(Serialization serialization) {
        AttributeCodec codec = codec(serialization);
        byte[] bytes = codec.encode("rich", richValue());
        for (int at = 0; at < bytes.length; at++) {
            byte[] corrupt = bytes.clone();
            System.arraycopy(LARGEST_VARINT, 0, corrupt, at, Math.min(LARGEST_VARINT.length, corrupt.length - at));
            decodeSurvives(codec, corrupt);
            byte[] flipped = bytes.clone();
            flipped[at] = (byte) ~flipped[at];
            decodeSurvives(codec, flipped);
        }
    }

    @Test
    void javaSerializationNamesTheAttributeAndTheClassThatCannotBeSerialized() {
        AttributeCodec codec = codec(Serialization.JAVA);
        Holder holder = new Holder(new NotSerializable("secret value"));

        SerializationException e = assertThrows(SerializationException.class, () -> codec.encode("cart", holder));

        assertEquals("attribute 'cart' holds a " + Holder.class.getName() + " that cannot be serialized "
                + "(java.io.NotSerializableException: " + NotSerializable.class.getName()
                + "); make it Serializable or keep it out of the session", e.getMessage());
        assertFalse(e.getMessage().contains("secret value"));
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aValueThatFailsInItsOwnWriteObjectIsNamed(Serialization serialization) {
        AttributeCodec codec = codec(serialization);

        SerializationException e = assertThrows(SerializationException.class, () -> codec.encode("bad", new Exploding()));

        assertTrue(e.getMessage().startsWith("attribute 'bad' holds a " + Exploding.class.getName() + " that cannot be serialized"),
                e.getMessage());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    record Item(String name, BigDecimal price) implements Serializable {
    }

    static final class NotSerializable {
        final String content;

        NotSerializable(String content) {
            this.content = content;
        }
    }

    static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        final Object content;

        Holder(Object content) {
            this.content = content;
        }
    }

    static final class Exploding implements Serializable {
        private static final long serialVersionUID = 1L;

        private void writeObject(java.io.ObjectOutputStream out) {
            throw new IllegalStateException("secret 1234");
        }
    }
}
