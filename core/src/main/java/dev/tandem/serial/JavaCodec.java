package dev.tandem.serial;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.Objects;

/**
 * Java serialization of each attribute: slower and larger than {@link KryoCodec}, but it needs nothing
 * of a class beyond {@code Serializable}. Reads resolve classes through the web-app's class loader
 * and pass the class filter. Thread-safe: it keeps no state between calls.
 */
public final class JavaCodec implements AttributeCodec {

    private final ClassLoader classLoader;
    private final ClassFilter filter;

    public JavaCodec(ClassLoader classLoader, ClassFilter filter) {
        this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
        this.filter = Objects.requireNonNull(filter, "filter");
    }

    @Override
    public byte[] encode(String name, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            throw Failures.encoding(name, value, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(String name, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try (FilteredObjectInputStream in =
                     new FilteredObjectInputStream(new ByteArrayInputStream(bytes), bytes.length, classLoader, filter)) {
            return in.readAttribute();
        } catch (IOException | ClassNotFoundException | RuntimeException | StackOverflowError e) {
            throw Failures.decoding(name, e);
        }
    }

    @Override
    public String toString() {
        return "JavaCodec[" + filter + "]";
    }
}
