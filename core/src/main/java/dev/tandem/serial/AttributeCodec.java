package dev.tandem.serial;

/**
 * Turns one session attribute value into bytes and back. Each attribute is serialized on its own,
 * so that a save carries only the attributes whose bytes changed.
 *
 * <p>Implementations are thread-safe and resolve classes through the web-app's class loader given
 * when they were made. Decoding goes through the class filter: a class it does not allow is refused
 * with a {@link SerializationException} before any instance of it is made.
 */
public interface AttributeCodec {

    /**
     * The bytes of {@code value}.
     *
     * @throws SerializationException naming the attribute and the class that could not be serialized
     */
    byte[] encode(String name, Object value);

    /**
     * The value of an attribute from its bytes.
     *
     * @throws SerializationException naming the attribute and the class that was refused or unreadable
     */
    Object decode(String name, byte[] bytes);
}
