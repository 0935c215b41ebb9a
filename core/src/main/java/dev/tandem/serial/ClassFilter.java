package dev.tandem.serial;

import java.io.ObjectInputFilter;
import java.io.ObjectInputFilter.Status;
import java.util.Objects;

/**
 * Which classes a session attribute may hold when it is read back: the {@code serialization-filter}
 * init-param, written in {@link ObjectInputFilter.Config#createFilter(String) ObjectInputFilter}
 * pattern syntax ({@code com.example.*;java.base/*;!*}, with limits such as {@code maxdepth=20}).
 *
 * <p>Without a pattern, the filter rejects the packages and classes that published deserialization
 * gadget chains are built from, and allows everything else. A class the pattern neither allows nor
 * rejects is allowed: an allow-list ends in {@code !*}. Both codecs apply the same filter, to every
 * class they resolve, before any instance of it is made. Instances are immutable and thread-safe.
 */
public final class ClassFilter {

    // Gadget roots from ysoserial and the JDK's own advice; each is a library a web-app rarely keeps
    // in a session, and each has been the last link of a remote-code-execution chain.
    private static final String DEFAULT_PATTERN = String.join(";",
            "!org.apache.commons.collections.functors.*",
            "!org.apache.commons.collections4.functors.*",
            "!org.apache.commons.beanutils.BeanComparator",
            "!org.apache.commons.fileupload.disk.DiskFileItem",
            "!org.apache.commons.configuration.**",
            "!org.codehaus.groovy.runtime.*",
            "!groovy.util.Expando",
            "!com.sun.org.apache.xalan.internal.xsltc.trax.*",
            "!org.apache.xalan.xsltc.trax.*",
            "!java.rmi.server.*",
            "!sun.rmi.**",
            "!javax.management.**",
            "!com.sun.jndi.**",
            "!javax.naming.**",
            "!com.sun.rowset.*",
            "!org.springframework.beans.factory.**",
            "!org.springframework.aop.**",
            "!org.springframework.core.SerializableTypeWrapper*",
            "!bsh.**",
            "!org.python.core.**",
            "!org.mozilla.javascript.**",
            "!clojure.**",
            "!com.mchange.v2.c3p0.**",
            "!net.sf.json.**",
            "!com.sun.syndication.feed.impl.*",
            "!com.rometools.rome.feed.impl.*",
            "!org.hibernate.engine.spi.TypedValue",
            "!org.hibernate.tuple.component.**",
            "!org.jboss.interceptor.**",
            "!org.jboss.weld.interceptor.**",
            "!com.vaadin.data.util.**",
            "!org.apache.myfaces.el.**",
            "!org.apache.wicket.util.upload.**",
            "!org.apache.click.control.**",
            "!javassist.**",
            "!com.alibaba.fastjson.**");

    private static final ClassFilter DEFAULT = new ClassFilter(DEFAULT_PATTERN, true);

    private final String pattern;
    private final boolean isDefault;
    private final ObjectInputFilter filter;
    private final ObjectInputFilter lenient;

    private ClassFilter(String pattern, boolean isDefault) {
        this.pattern = pattern;
        this.isDefault = isDefault;
        try {
            this.filter = ObjectInputFilter.Config.createFilter(pattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "serialization-filter is not a valid ObjectInputFilter pattern: '" + pattern + "' (" + e.getMessage()
                            + "); use entries like com.example.*;java.base/*;!* separated by ';'", e);
        }
        // The JDK treats UNDECIDED as allowed only when nothing else is consulted; say so explicitly,
        // so that a JVM-wide filter factory merging ours cannot read our silence as a rejection.
        this.lenient = info -> {
            Status status = filter.checkInput(info);
            return status == Status.UNDECIDED ? Status.ALLOWED : status;
        };
    }

    /** The filter for an init-param value; null or blank gives {@link #defaultFilter()}. */
    public static ClassFilter of(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return DEFAULT;
        }
        return new ClassFilter(pattern.strip(), false);
    }

    /** The filter used when {@code serialization-filter} is not set: known gadget classes rejected, the rest allowed. */
    public static ClassFilter defaultFilter() {
        return DEFAULT;
    }

    /** Whether an instance of {@code type} may be read; for an array, whether its element type may. */
    public boolean allows(Class<?> type) {
        Objects.requireNonNull(type, "type");
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        if (element.isPrimitive()) {
            return true;
        }
        return filter.checkInput(new ClassOnly(element)) != Status.REJECTED;
    }

    /** This filter for an {@link java.io.ObjectInputStream}: classes as in {@link #allows}, and the pattern's limits. */
    public ObjectInputFilter asObjectInputFilter() {
        return lenient;
    }

    /** The pattern as given, or the built-in one when none was. */
    public String pattern() {
        return pattern;
    }

    /** How error messages name this filter. */
    String describe() {
        return isDefault ? "the default serialization-filter (known deserialization gadgets)" : "serialization-filter '" + pattern + "'";
    }

    String advice() {
        return isDefault ? "if it is yours, set init-param serialization-filter to a pattern that allows it"
                : "add it to the filter if it is yours";
    }

    @Override
    public String toString() {
        return isDefault ? "ClassFilter[default]" : "ClassFilter[" + pattern + "]";
    }

    /** A question about one class alone, as the JDK asks it when a class descriptor is read: no limit is at stake. */
    private record ClassOnly(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
        @Override
        public long arrayLength() {
            return -1;
        }

        @Override
        public long depth() {
            return 1;
        }

        @Override
        public long references() {
            return 0;
        }

        @Override
        public long streamBytes() {
            return 0;
        }
    }
}
