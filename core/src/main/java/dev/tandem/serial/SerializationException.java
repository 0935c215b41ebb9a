package dev.tandem.serial;

/** An attribute value could not be serialized or deserialized; the message names the attribute and the class. */
public class SerializationException extends RuntimeException {
    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }
}
