package dev.tandem.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SerializationTest {

    @Test
    void theInitParamIsReadInAnyCase() {
        assertEquals(Serialization.KRYO, Serialization.parse("kryo"));
        assertEquals(Serialization.KRYO, Serialization.parse(" Kryo "));
        assertEquals(Serialization.JAVA, Serialization.parse("JAVA"));
    }

    @Test
    void anUnknownValueIsRefusedWithTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Serialization.parse("xml"));

        assertEquals("serialization must be kryo or java, got 'xml'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Serialization.parse(null));
    }

    @Test
    void eachValueMakesItsCodec() {
        ClassLoader loader = getClass().getClassLoader();
        assertInstanceOf(KryoCodec.class, Serialization.KRYO.codec(loader, ClassFilter.of(null)));
        assertInstanceOf(JavaCodec.class, Serialization.JAVA.codec(loader, ClassFilter.of(null)));
    }
}
