package dev.tandem.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;

/** Kryo's object array serializer, except that a length the bytes cannot hold is refused before it is allocated. */
final class BoundedObjectArraySerializer extends ObjectArraySerializer {

    BoundedObjectArraySerializer(Kryo kryo, Class<?> type) {
        super(kryo, type);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Object[] read(Kryo kryo, Input input, Class type) {
        // The array starts with its length + 1 (0 for null); peek at it and let Kryo read it again.
        int start = input.position();
        int lengthPlusOne = input.readVarInt(true);
        input.setPosition(start);
        BoundedInput.requireRemaining(input, (long) lengthPlusOne - 1, "an array");
        return super.read(kryo, input, type);
    }
}
