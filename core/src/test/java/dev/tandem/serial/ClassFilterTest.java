package dev.tandem.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ObjectInputFilter;
import java.io.ObjectInputFilter.Status;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

class ClassFilterTest {

    @Test
    void theDefaultFilterRejectsKnownGadgetsAndAllowsTheRest() throws Exception {
        ClassFilter filter = ClassFilter.of(null);

        for (String gadget : new String[] {
                "javax.management.BadAttributeValueExpException",
                "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
                "com.sun.rowset.JdbcRowSetImpl",
                "java.rmi.server.UnicastRemoteObject",
                "javax.naming.InitialContext"}) {
            assertFalse(filter.allows(Class.forName(gadget, false, ClassLoader.getSystemClassLoader())), gadget);
        }
        assertFalse(filter.allows(javax.management.BadAttributeValueExpException[][].class));
        assertTrue(filter.allows(String.class));
        assertTrue(filter.allows(ArrayList.class));
        assertTrue(filter.allows(int[].class));
        assertTrue(filter.allows(ClassFilterTest.class));
    }

    @Test
    void aBlankPatternMeansTheDefault() {
        assertSame(ClassFilter.defaultFilter(), ClassFilter.of(null));
        assertSame(ClassFilter.defaultFilter(), ClassFilter.of("  "));
        assertTrue(ClassFilter.of(null).pattern().contains("!org.apache.commons.collections.functors.*"));
        assertEquals("ClassFilter[default]", ClassFilter.of("").toString());
    }

    @Test
    void anAllowListRejectsWhatItDoesNotName() {
        ClassFilter filter = ClassFilter.of("java.base/*;dev.tandem.serial.ClassFilterTest;!*");

        assertTrue(filter.allows(ClassFilterTest.class));
        assertTrue(filter.allows(ClassFilterTest[].class));
        assertTrue(filter.allows(java.util.HashMap.class));
        assertFalse(filter.allows(ClassFilter.class));
        assertFalse(filter.allows(ClassFilter[].class));
        assertEquals("java.base/*;dev.tandem.serial.ClassFilterTest;!*", filter.pattern());
        assertEquals("ClassFilter[java.base/*;dev.tandem.serial.ClassFilterTest;!*]", filter.toString());
    }

    @Test
    void aClassThePatternDoesNotMentionIsAllowed() {
        ClassFilter filter = ClassFilter.of("!com.example.*;maxdepth=5");

        assertTrue(filter.allows(ClassFilterTest.class));
        assertEquals(Status.ALLOWED, filter.asObjectInputFilter().checkInput(new Info(ClassFilterTest.class, -1, 1)));
    }

    @Test
    void theObjectInputFilterStillEnforcesTheLimits() {
        ObjectInputFilter filter = ClassFilter.of("maxdepth=5;maxarray=10").asObjectInputFilter();

        assertEquals(Status.REJECTED, filter.checkInput(new Info(null, -1, 6)));
        assertEquals(Status.REJECTED, filter.checkInput(new Info(int[].class, 11, 1)));
        assertEquals(Status.ALLOWED, filter.checkInput(new Info(int[].class, 10, 5)));
    }

    @Test
    void aMalformedPatternIsRefusedWithTheParamName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassFilter.of("maxdepth=lots"));

        assertTrue(e.getMessage().startsWith("serialization-filter is not a valid ObjectInputFilter pattern: 'maxdepth=lots'"),
                e.getMessage());
    }

    private record Info(Class<?> serialClass, long arrayLength, long depth) implements ObjectInputFilter.FilterInfo {
        @Override
        public long references() {
            return 1;
        }

        @Override
        public long streamBytes() {
            return 100;
        }
    }
}
