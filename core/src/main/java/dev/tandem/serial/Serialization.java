package dev.tandem.serial;

import java.util.Locale;

/** The {@code serialization} init-param: which codec turns attributes into bytes. */
public enum Serialization {
    /** The default: fast and compact, with Java serialization for what Kryo cannot handle. */
    KRYO {
        @Override
        public AttributeCodec codec(ClassLoader loader, ClassFilter filter) {
            return new KryoCodec(loader, filter);
        }
    },
    /** Plain Java serialization: slower and larger, for values that only it reads back faithfully. */
    JAVA {
        @Override
        public AttributeCodec codec(ClassLoader loader, ClassFilter filter) {
            return new JavaCodec(loader, filter);
        }
    };

    /** The codec for one web-app: its class loader resolves classes, the filter vets them. */
    public abstract AttributeCodec codec(ClassLoader loader, ClassFilter filter);

    /** The init-param value, {@code kryo} or {@code java} in any case. */
    public static Serialization parse(String value) {
        String normalized = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        switch (normalized) {
            case "kryo":
                return KRYO;
            case "java":
                return JAVA;
            default:
                throw new IllegalArgumentException("serialization must be kryo or java, got '" + value + "'");
        }
    }
}
