package dev.tandem.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.Map;

/** Kryo's map serializer, except that a size the bytes cannot hold is refused before it is pre-allocated. */
@SuppressWarnings({"rawtypes", "unchecked"})
final class BoundedMapSerializer extends MapSerializer<Map> {

    @Override
    protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
        BoundedInput.requireRemaining(input, size, "a map");
        return super.create(kryo, input, type, size);
    }
}
