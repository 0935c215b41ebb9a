package dev.tandem.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.BadAttributeValueExpException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FilterTest {

    /** Everything a forbidden class did: static initializer, constructor, readObject. Must stay 0 on decode. */
    static final AtomicInteger FORBIDDEN_CODE_RAN = new AtomicInteger();

    private static final String DENY = "!dev.tandem.serial.FilterTest$Forbidden*";
    private static final String ALLOW_LIST = "java.base/*;dev.tandem.serial.FilterTest$Allowed;!*";
    private static final String FORBIDDEN_WITH_HOOKS = ForbiddenWithReadObject.class.getName();
    private static final String FORBIDDEN_POJO = ForbiddenPojo.class.getName();

    private final ClassLoader loader = getClass().getClassLoader();

    @BeforeEach
    void encodingMayRunTheForbiddenCodeButDecodingMustNot() {
        // Instances are made here to be encoded; only what happens afterwards is counted.
        new ForbiddenPojo();
        new ForbiddenWithReadObject();
        FORBIDDEN_CODE_RAN.set(0);
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aDeniedClassIsRefusedWithItsNameAndTheAttributes(Serialization serialization) {
        for (String pattern : List.of(DENY, ALLOW_LIST)) {
            byte[] bytes = encodeUnfiltered(serialization, "cart", new ForbiddenPojo());
            FORBIDDEN_CODE_RAN.set(0);
            AttributeCodec codec = serialization.codec(loader, ClassFilter.of(pattern));

            SerializationException e = assertThrows(SerializationException.class, () -> codec.decode("cart", bytes));

            assertEquals("attribute 'cart': class " + FORBIDDEN_POJO + " is not allowed by serialization-filter '"
                    + pattern + "'; add it to the filter if it is yours", e.getMessage());
            assertEquals(0, FORBIDDEN_CODE_RAN.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aDeniedClassInsideAnAllowedListIsRefused(Serialization serialization) {
        for (String pattern : List.of(DENY, ALLOW_LIST)) {
            List<Object> list = new ArrayList<>(List.of(new Allowed("ok"), new ForbiddenWithReadObject()));
            for (Object value : List.of(list, List.of(new Allowed("ok"), new ForbiddenPojo()), new Allowed(new ForbiddenPojo()))) {
                byte[] bytes = encodeUnfiltered(serialization, "items", value);
                FORBIDDEN_CODE_RAN.set(0);
                AttributeCodec codec = serialization.codec(loader, ClassFilter.of(pattern));

                SerializationException e = assertThrows(SerializationException.class, () -> codec.decode("items", bytes));

                assertTrue(e.getMessage().startsWith("attribute 'items': class dev.tandem.serial.FilterTest$Forbidden"), e.getMessage());
                assertTrue(e.getMessage().contains("is not allowed by serialization-filter '" + pattern + "'"), e.getMessage());
                assertEquals(0, FORBIDDEN_CODE_RAN.get());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void theStaticInitializerOfARefusedClassNeverRuns(Serialization serialization) throws Exception {
        byte[] pojo = encodeUnfiltered(serialization, "a", new ForbiddenPojo());
        byte[] hooks = encodeUnfiltered(serialization, "b", List.of(new ForbiddenWithReadObject()));
        FORBIDDEN_CODE_RAN.set(0);
        // A fresh loader defines its own, not yet initialized, copies of the forbidden classes.
        try (ChildFirstLoader webApp = new ChildFirstLoader(getClass(), Set.of(FORBIDDEN_POJO, FORBIDDEN_WITH_HOOKS))) {
            AttributeCodec codec = serialization.codec(webApp, ClassFilter.of(DENY));

            assertThrows(SerializationException.class, () -> codec.decode("a", pojo));
            assertThrows(SerializationException.class, () -> codec.decode("b", hooks));

            assertEquals(0, FORBIDDEN_CODE_RAN.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void anAllowListLetsItsOwnClassesAndTheJdkThrough(Serialization serialization) {
        AttributeCodec codec = serialization.codec(loader, ClassFilter.of(ALLOW_LIST));
        List<Object> value = new ArrayList<>(List.of(new Allowed("x"), 1, "two", new AtomicInteger(3)));

        @SuppressWarnings("unchecked")
        List<Object> copy = (List<Object>) codec.decode("list", codec.encode("list", value));

        assertEquals(new Allowed("x"), copy.get(0));
        assertEquals(3, ((AtomicInteger) copy.get(3)).get());
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void theDefaultFilterRefusesAKnownGadget(Serialization serialization) {
        AttributeCodec codec = serialization.codec(loader, ClassFilter.of(null));
        Object gadget = new BadAttributeValueExpException("payload");

        SerializationException e = assertThrows(SerializationException.class,
                () -> codec.decode("evil", codec.encode("evil", List.of(gadget))));

        assertTrue(e.getMessage().startsWith("attribute 'evil': class javax.management.BadAttributeValueExpException "
                + "is not allowed by the default serialization-filter"), e.getMessage());
        assertFalse(e.getMessage().contains("payload"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void limitsInThePatternApplyToJavaSerializedValues(Serialization serialization) {
        AttributeCodec codec = serialization.codec(loader, ClassFilter.of("maxdepth=3"));
        // Inside Kryo, a class with readObject is Java-serialized, so the limit reaches it there.
        Object javaDeep = new ArrayList<>(List.of(new ArrayList<>(List.of(new ArrayList<>(List.of(new ArrayList<>()))))));
        Object value = serialization == Serialization.JAVA ? javaDeep : new Wrapper(new Wrapper(new Wrapper(new Wrapper(null))));

        SerializationException e = assertThrows(SerializationException.class, () -> codec.decode("deep", codec.encode("deep", value)));

        assertTrue(e.getMessage().startsWith("attribute 'deep': the value (depth "), e.getMessage());
        assertTrue(e.getMessage().contains("exceeds a limit of serialization-filter 'maxdepth=3'"), e.getMessage());
        assertEquals(List.of("shallow"), codec.decode("shallow", codec.encode("shallow", new ArrayList<>(List.of("shallow")))));
    }

    private static byte[] encodeUnfiltered(Serialization serialization, String name, Object value) {
        return serialization.codec(FilterTest.class.getClassLoader(), ClassFilter.of("*")).encode(name, value);
    }

    record Allowed(Object content) implements Serializable {
    }

    /** Java-serialized by hand, so Kryo hands it to Java serialization. */
    static final class Wrapper implements Serializable {
        private static final long serialVersionUID = 1L;
        private Wrapper inner;

        Wrapper(Wrapper inner) {
            this.inner = inner;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
        }
    }

    static final class ForbiddenPojo implements Serializable {
        private static final long serialVersionUID = 1L;

        static {
            FORBIDDEN_CODE_RAN.incrementAndGet();
        }

        private final String payload = "never decoded";

        ForbiddenPojo() {
            FORBIDDEN_CODE_RAN.incrementAndGet();
        }
    }

    static final class ForbiddenWithReadObject implements Serializable {
        private static final long serialVersionUID = 1L;

        static {
            FORBIDDEN_CODE_RAN.incrementAndGet();
        }

        ForbiddenWithReadObject() {
            FORBIDDEN_CODE_RAN.incrementAndGet();
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            FORBIDDEN_CODE_RAN.incrementAndGet();
            in.defaultReadObject();
        }
    }
}
