package dev.tandem.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.ClosureSerializer;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import java.io.Externalizable;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * A Kryo for session attributes: any class without registration, shared and cyclic references kept,
 * classes from the web-app's loader and through the class filter, and Java serialization for the
 * values Kryo would get wrong. Not thread-safe, like every Kryo; {@link KryoCodec} pools them.
 *
 * <p>Kryo's stock serializers (records, enums, java.time, {@code List.of}, {@code Arrays.asList},
 * BigDecimal, the sorted and empty collections, ...) stay in charge wherever they work. Java
 * serialization takes over where they do not:
 * <ul>
 * <li>a JDK class Kryo would copy field by field ({@code AtomicInteger}, {@code UUID}): Java 17
 *     closes those fields to reflection;</li>
 * <li>a JDK collection or map without a public no-arg constructor ({@code unmodifiableList},
 *     {@code synchronizedMap}): Kryo would make an empty shell and fail to add to it;</li>
 * <li>an application class that is {@code Externalizable} or declares {@code writeObject},
 *     {@code readObject}, {@code readObjectNoData}, {@code writeReplace} or {@code readResolve}: its
 *     author made serialization do more than copy fields;</li>
 * <li>an application subclass of a collection or map with fields of its own, which Kryo's
 *     collection serializers would drop.</li>
 * </ul>
 */
final class AttributeKryo extends Kryo {

    private final JavaFallbackSerializer javaFallback;

    AttributeKryo(ClassLoader classLoader, ClassFilter filter) {
        super(new FilteringClassResolver(filter), null);
        this.javaFallback = new JavaFallbackSerializer(filter);
        setRegistrationRequired(false);
        setWarnUnregisteredClasses(false);
        setReferences(true);
        setClassLoader(classLoader);
        setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        // Kryo looks up these registrations for every proxy class and every lambda, whose own class
        // names mean nothing in another JVM; Java serialization rebuilds proxies from their interfaces
        // and serializable lambdas from their capturing class. (Kryo's ClosureSerializer would need
        // --add-opens java.base/java.lang.invoke, and logs a warning with a stack trace per instance.)
        // These ids are part of the stored format: only ever append registrations.
        register(InvocationHandler.class, javaFallback);
        register(ClosureSerializer.Closure.class, javaFallback);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Serializer getDefaultSerializer(Class type) {
        if (type.isArray()) {
            Serializer serializer = super.getDefaultSerializer(type);
            return serializer.getClass().getEnclosingClass() == DefaultArraySerializers.class
                    ? new CountCheckedSerializer(serializer) : serializer;
        }
        boolean serializable = Serializable.class.isAssignableFrom(type);
        if (serializable && !isJdk(type) && customizesJavaSerialization(type)) {
            return javaFallback;
        }
        Serializer serializer;
        try {
            serializer = super.getDefaultSerializer(type);
        } catch (RuntimeException e) {
            if (serializable) {
                return javaFallback;
            }
            throw e;
        }
        if (serializable && kryoWouldMishandle(type, serializer)) {
            return javaFallback;
        }
        if (serializer instanceof CollectionSerializer || serializer instanceof MapSerializer) {
            return new CountCheckedSerializer(serializer);
        }
        return serializer;
    }

    @SuppressWarnings("rawtypes")
    private static boolean kryoWouldMishandle(Class<?> type, Serializer serializer) {
        boolean generic = serializer.getClass() == CollectionSerializer.class || serializer.getClass() == MapSerializer.class;
        if (isJdk(type)) {
            return serializer instanceof FieldSerializer || (generic && !hasPublicNoArgConstructor(type));
        }
        return generic && (!hasNoArgConstructor(type) || hasOwnFields(type));
    }

    private static boolean customizesJavaSerialization(Class<?> type) {
        if (Externalizable.class.isAssignableFrom(type)) {
            return true;
        }
        if (KryoSerializable.class.isAssignableFrom(type) || Enum.class.isAssignableFrom(type)) {
            return false;
        }
        for (Class<?> c = type; c != null && !isJdk(c); c = c.getSuperclass()) {
            for (Method method : c.getDeclaredMethods()) {
                if (isSerializationHook(method)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isSerializationHook(Method method) {
        if (Modifier.isStatic(method.getModifiers())) {
            return false;
        }
        Class<?>[] parameters = method.getParameterTypes();
        switch (method.getName()) {
            case "writeObject":
                return parameters.length == 1 && parameters[0] == ObjectOutputStream.class;
            case "readObject":
                return parameters.length == 1 && parameters[0] == ObjectInputStream.class;
            case "readObjectNoData":
            case "writeReplace":
            case "readResolve":
                return parameters.length == 0;
            default:
                return false;
        }
    }

    private static boolean hasOwnFields(Class<?> type) {
        for (Class<?> c = type; c != null && !isJdk(c); c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if ((field.getModifiers() & (Modifier.STATIC | Modifier.TRANSIENT)) == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean hasNoArgConstructor(Class<?> type) {
        try {
            type.getDeclaredConstructor();
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    // A JDK class's constructor can be called from here only if both it and its class are public.
    private static boolean hasPublicNoArgConstructor(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers())) {
            return false;
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            return Modifier.isPublic(constructor.getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean isJdk(Class<?> type) {
        if (type.getClassLoader() == null) {
            return true;
        }
        String module = type.getModule().getName();
        return module != null && (module.startsWith("java.") || module.startsWith("jdk."));
    }
}
