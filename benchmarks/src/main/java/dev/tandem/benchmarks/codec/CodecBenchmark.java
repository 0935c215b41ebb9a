package dev.tandem.benchmarks.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.tandem.serial.AttributeCodec;
import dev.tandem.serial.ClassFilter;
import dev.tandem.serial.Serialization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A round trip (serialize, then deserialize) of a typical session (JMH), three ways: Tandem's
 * {@code KryoCodec} as core uses it (each attribute on its own, through the class filter), raw
 * Kryo 5 doing the same per-attribute work with nothing around it, and Java serialization of the
 * whole attribute map (what Jetty's and Tomcat's stores do). Each returns the bytes produced, so
 * that nothing is optimised away and the sizes can be reported.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {
    private Map<String, Object> attributes;
    private AttributeCodec codec;
    private Kryo kryo;
    private Output output;
    private Input input;

    @Setup
    public void setUp() {
        attributes = TypicalSession.attributes();
        codec = Serialization.KRYO.codec(getClass().getClassLoader(), ClassFilter.defaultFilter());
        kryo = new Kryo();
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        output = new Output(4096, -1);
        input = new Input();
    }

    @Benchmark
    public int tandemKryoCodec() {
        int bytes = 0;
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            byte[] encoded = codec.encode(attribute.getKey(), attribute.getValue());
            bytes += encoded.length;
            if (codec.decode(attribute.getKey(), encoded) == null) {
                throw new IllegalStateException("decoded nothing");
            }
        }
        return bytes;
    }

    @Benchmark
    public int rawKryo() {
        int bytes = 0;
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            output.reset();
            kryo.writeClassAndObject(output, attribute.getValue());
            byte[] encoded = output.toBytes();
            bytes += encoded.length;
            input.setBuffer(encoded);
            if (kryo.readClassAndObject(input) == null) {
                throw new IllegalStateException("decoded nothing");
            }
        }
        return bytes;
    }

    @Benchmark
    public int javaSerialization() throws IOException, ClassNotFoundException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(new HashMap<>(attributes));
        }
        byte[] encoded = buffer.toByteArray();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(encoded))) {
            if (in.readObject() == null) {
                throw new IllegalStateException("decoded nothing");
            }
        }
        return encoded.length;
    }
}
