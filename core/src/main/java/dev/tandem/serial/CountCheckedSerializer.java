package dev.tandem.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * One of Kryo's array, collection or map serializers, with its element count checked against the
 * bytes left before it sizes anything from it. Each of them reads that count first, so this asks the
 * {@link BoundedInput} to check the next count it reads, then hands over.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class CountCheckedSerializer extends Serializer<Object> {

    private final Serializer serializer;

    CountCheckedSerializer(Serializer serializer) {
        super(serializer.getAcceptsNull(), serializer.isImmutable());
        this.serializer = serializer;
    }

    @Override
    public void write(Kryo kryo, Output output, Object value) {
        serializer.write(kryo, output, value);
    }

    @Override
    public Object read(Kryo kryo, Input input, Class type) {
        if (input instanceof BoundedInput bounded) {
            bounded.checkNextCount();
        }
        return serializer.read(kryo, input, type);
    }

    @Override
    public Object copy(Kryo kryo, Object original) {
        return serializer.copy(kryo, original);
    }
}
