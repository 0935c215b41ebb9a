package dev.tandem.serial;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Output;
import java.util.Objects;

/**
 * Kryo serialization of each attribute: several times faster and smaller than Java serialization
 * (DESIGN.md), for any value, {@code Serializable} or not, with Java serialization for the few values
 * Kryo cannot copy field by field (see {@link AttributeKryo}). Reads resolve classes through the
 * web-app's class loader and refuse, before making any instance, a class the filter does not allow.
 *
 * <p>Thread-safe. A Kryo instance and its buffers are costly to make and cheap to reuse, so calls
 * borrow them from a pool rather than a ThreadLocal, which would pin the web-app's class loader to
 * the container's threads after an undeploy.
 */
public final class KryoCodec implements AttributeCodec {

    private static final int INITIAL_BUFFER = 4 * 1024;
    // A buffer grown for one large attribute is dropped rather than kept by an idle pooled instance.
    private static final int MAX_KEPT_BUFFER = 1024 * 1024;
    private static final byte[] NO_BYTES = new byte[0];

    private final ClassFilter filter;
    private final SlotPool<Worker> pool;

    public KryoCodec(ClassLoader classLoader, ClassFilter filter) {
        Objects.requireNonNull(classLoader, "classLoader");
        this.filter = Objects.requireNonNull(filter, "filter");
        this.pool = new SlotPool<>(4 * Runtime.getRuntime().availableProcessors(), () -> new Worker(
                new AttributeKryo(classLoader, filter), new Output(INITIAL_BUFFER, -1), new BoundedInput()));
    }

    @Override
    public byte[] encode(String name, Object value) {
        Worker worker = pool.obtain();
        byte[] bytes;
        try {
            worker.output.reset();
            worker.kryo.writeClassAndObject(worker.output, value);
            bytes = worker.output.toBytes();
        } catch (RuntimeException | StackOverflowError e) {
            // Not returned to the pool: a Kryo that failed midway may hold half a graph's state.
            throw Failures.encoding(name, value, e);
        }
        if (worker.output.getBuffer().length > MAX_KEPT_BUFFER) {
            worker.output.setBuffer(new byte[INITIAL_BUFFER], -1);
        }
        pool.free(worker);
        return bytes;
    }

    @Override
    public Object decode(String name, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        Worker worker = pool.obtain();
        Object value;
        try {
            worker.input.setBuffer(bytes);
            value = worker.kryo.readClassAndObject(worker.input);
            int left = bytes.length - worker.input.position();
            if (left != 0) {
                throw new KryoException(left + " bytes left after the value");
            }
        } catch (RuntimeException | StackOverflowError e) {
            throw Failures.decoding(name, e);
        } catch (OutOfMemoryError e) {
            // Last resort: BoundedInput checks every size Kryo's own serializers read, but a class's own
            // KryoSerializable code may still size an array from corrupt bytes. The one allocation
            // failed, so the heap is as it was: name the attribute rather than look like a dying JVM.
            throw Failures.decoding(name, e);
        }
        worker.input.setBuffer(NO_BYTES);
        pool.free(worker);
        return value;
    }

    @Override
    public String toString() {
        return "KryoCodec[" + filter + "]";
    }

    private record Worker(AttributeKryo kryo, Output output, BoundedInput input) {
    }
}
