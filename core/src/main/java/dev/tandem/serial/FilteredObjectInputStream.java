package dev.tandem.serial;

import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputFilter.Status;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Java deserialization of one attribute: classes come from the web-app's class loader (the default
 * would be whichever loader happens to be on the stack, usually the container's), and every class,
 * proxy interface and array passes the class filter before anything of it is made.
 */
final class FilteredObjectInputStream extends ObjectInputStream {

    private static final Map<String, Class<?>> PRIMITIVES = Map.of(
            "boolean", boolean.class, "byte", byte.class, "char", char.class, "short", short.class,
            "int", int.class, "long", long.class, "float", float.class, "double", double.class, "void", void.class);

    private final ClassLoader loader;
    private final ClassFilter filter;
    private final long size;
    private RefusedByFilterException refusal;

    /**
     * @param size how many bytes {@code in} holds: an array claiming more elements than that is corrupt,
     *             and is refused before the JDK allocates it
     */
    FilteredObjectInputStream(InputStream in, long size, ClassLoader loader, ClassFilter filter) throws IOException {
        super(in);
        this.loader = loader;
        this.filter = filter;
        this.size = size;
        setObjectInputFilter(this::check);
    }

    /**
     * Reads the one object, turning the JDK's bare "filter status: REJECTED" into a message that names
     * the class, which the JDK's exception does not.
     */
    Object readAttribute() throws IOException, ClassNotFoundException {
        try {
            return readObject();
        } catch (InvalidClassException e) {
            if (refusal != null) {
                refusal.initCause(e);
                throw refusal;
            }
            throw e;
        }
    }

    private Status check(ObjectInputFilter.FilterInfo info) {
        Status status = filter.asObjectInputFilter().checkInput(info);
        if (status == Status.REJECTED) {
            Class<?> type = info.serialClass();
            if (type != null && !filter.allows(type)) {
                refusal = RefusedByFilterException.forClass(elementName(type), filter);
            } else {
                refusal = RefusedByFilterException.forLimit("the value (depth " + info.depth() + ", "
                        + info.references() + " references, " + info.streamBytes() + " bytes read, array length "
                        + info.arrayLength() + ")", filter);
            }
            return status;
        }
        // Each array element takes at least one byte, so a longer array can only come from corrupt bytes.
        if (info.arrayLength() > size) {
            refusal = RefusedByFilterException.corrupt("an array of " + info.arrayLength() + " elements in "
                    + size + " bytes");
            return Status.REJECTED;
        }
        return status;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        String name = desc.getName();
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            Class<?> primitive = PRIMITIVES.get(name);
            if (primitive != null) {
                return primitive;
            }
            throw e;
        }
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaceNames) throws IOException, ClassNotFoundException {
        ClassLoader definer = loader;
        Class<?>[] interfaces = new Class<?>[interfaceNames.length];
        for (int i = 0; i < interfaceNames.length; i++) {
            interfaces[i] = Class.forName(interfaceNames[i], false, loader);
            // A proxy for a non-public interface must live in that interface's loader, as in the JDK.
            if (!Modifier.isPublic(interfaces[i].getModifiers())) {
                definer = interfaces[i].getClassLoader();
            }
        }
        try {
            // Proxy.getProxyClass is deprecated; an instance with an inert handler yields the same class.
            return Proxy.newProxyInstance(definer, interfaces, (proxy, method, args) -> null).getClass();
        } catch (IllegalArgumentException e) {
            throw new ClassNotFoundException("no proxy class for " + String.join(", ", interfaceNames), e);
        }
    }

    private static String elementName(Class<?> type) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        return element.getName();
    }
}
