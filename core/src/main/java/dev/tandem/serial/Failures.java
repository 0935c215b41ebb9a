package dev.tandem.serial;

import com.esotericsoftware.kryo.KryoException;
import java.io.IOException;
import java.io.NotSerializableException;

/**
 * The messages of a codec's {@link SerializationException}s: the attribute, the class, what went
 * wrong and what to do. Never the value: a message that a class's own code wrote may carry one, so
 * only the exceptions the serialization machinery throws (I/O, class lookup, Kryo) lend their
 * message; the others are named by type, and the cause itself stays attached.
 */
final class Failures {

    private Failures() {
    }

    static SerializationException encoding(String name, Object value, Throwable cause) {
        RefusedByFilterException refused = RefusedByFilterException.in(cause);
        if (refused != null) {
            return new SerializationException("attribute '" + name + "': " + refused.getMessage(), cause);
        }
        String holds = "attribute '" + name + "' holds a " + className(value);
        NotSerializableException notSerializable = find(cause, NotSerializableException.class);
        if (notSerializable != null) {
            return new SerializationException(holds + " that cannot be serialized (" + describe(notSerializable)
                    + "); make it Serializable or keep it out of the session", cause);
        }
        if (cause instanceof StackOverflowError) {
            return new SerializationException(holds + " nested too deeply to serialize (" + describe(cause)
                    + "); keep long linked structures out of the session", cause);
        }
        return new SerializationException(holds + " that cannot be serialized (" + describe(cause) + ")", cause);
    }

    static SerializationException decoding(String name, Throwable cause) {
        RefusedByFilterException refused = RefusedByFilterException.in(cause);
        if (refused != null) {
            return new SerializationException("attribute '" + name + "': " + refused.getMessage(), cause);
        }
        ClassNotFoundException notFound = find(cause, ClassNotFoundException.class);
        if (notFound != null) {
            return new SerializationException("attribute '" + name + "' holds a class the web-app cannot load ("
                    + describe(notFound) + "); was it renamed or removed since the session was saved?", cause);
        }
        return new SerializationException("attribute '" + name + "' cannot be read (" + describe(cause)
                + "); its bytes are corrupt or were written by an incompatible version of its class", cause);
    }

    private static String className(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        Throwable wrapped = cause.getCause();
        // Kryo wraps what a class's own code threw with that exception's toString() as its message.
        if (cause instanceof KryoException && wrapped != null && message != null && message.startsWith(wrapped.toString())) {
            return describe(wrapped);
        }
        boolean fromTheMachinery = cause instanceof IOException || cause instanceof ClassNotFoundException
                || cause instanceof KryoException || cause instanceof VirtualMachineError;
        if (!fromTheMachinery || message == null || message.isBlank()) {
            return cause.getClass().getName();
        }
        // Kryo appends a multi-line "Serialization trace"; its first line says what failed.
        int newline = message.indexOf('\n');
        return cause.getClass().getName() + ": " + (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
