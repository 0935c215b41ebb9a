package dev.tandem.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;

/**
 * Java serialization of one value inside a Kryo stream, for the classes Kryo cannot handle itself:
 * JDK classes whose fields the module system closes, and classes whose {@code writeObject},
 * {@code readObject}, {@code writeReplace} or {@code readResolve} carry meaning that Kryo's field
 * copy would skip. The value is written as a length-prefixed blob and read back through the same
 * class loader and class filter as {@link JavaCodec}.
 *
 * <p>Object identity holds within the blob and, through Kryo's references, for the value itself;
 * an object reachable both from inside the blob and from the rest of the Kryo graph comes back as
 * two copies.
 */
final class JavaFallbackSerializer extends Serializer<Object> {

    private final ClassFilter filter;

    JavaFallbackSerializer(ClassFilter filter) {
        super(false, false);
        this.filter = filter;
    }

    @Override
    public void write(Kryo kryo, Output output, Object value) {
        ByteArrayOutputStream blob = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(blob)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new KryoException("Java serialization of " + value.getClass().getName() + " failed", e);
        }
        output.writeVarInt(blob.size(), true);
        output.writeBytes(blob.toByteArray());
    }

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
        int length = input.readVarInt(true);
        BoundedInput.requireRemaining(input, length, "a Java-serialized value");
        byte[] blob = input.readBytes(length);
        try (FilteredObjectInputStream in = new FilteredObjectInputStream(
                new ByteArrayInputStream(blob), length, kryo.getClassLoader(), filter)) {
            return in.readAttribute();
        } catch (IOException | ClassNotFoundException e) {
            throw new KryoException("Java deserialization of " + type.getName() + " failed", e);
        }
    }
}
