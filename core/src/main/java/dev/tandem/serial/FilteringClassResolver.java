package dev.tandem.serial;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo's class resolver, with the class filter at the one door every unregistered class passes
 * through: its first registration. A class read by name arrives here after {@code Class.forName(name,
 * false, loader)}, which loads it without running its static initializer, and before Kryo builds a
 * serializer for it or makes an instance; so do classes Kryo infers without reading a name (a final
 * field's type, a generic element type). Writing is checked too: a value the filter would refuse on
 * the way back fails when it is saved rather than after a restart.
 */
final class FilteringClassResolver extends DefaultClassResolver {

    private final ClassFilter filter;

    FilteringClassResolver(ClassFilter filter) {
        this.filter = filter;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration registerImplicit(Class type) {
        if (!filter.allows(type)) {
            Class<?> element = type;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            throw RefusedByFilterException.forClass(element.getName(), filter);
        }
        return super.registerImplicit(type);
    }
}
