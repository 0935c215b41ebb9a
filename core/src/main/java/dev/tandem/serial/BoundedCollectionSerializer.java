package dev.tandem.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import java.util.Collection;

/** Kryo's collection serializer, except that a size the bytes cannot hold is refused before it is pre-allocated. */
@SuppressWarnings({"rawtypes", "unchecked"})
final class BoundedCollectionSerializer extends CollectionSerializer<Collection> {

    @Override
    protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
        BoundedInput.requireRemaining(input, size, "a collection");
        return super.create(kryo, input, type, size);
    }
}
