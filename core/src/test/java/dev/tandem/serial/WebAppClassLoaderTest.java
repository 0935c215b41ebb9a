package dev.tandem.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Classes that only the web-app's class loader can see: compiled at test time into a directory the test classpath lacks. */
class WebAppClassLoaderTest {

    @TempDir
    static Path classes;

    static URLClassLoader webApp;

    @BeforeAll
    static void compileTheWebAppClasses() throws IOException {
        Path sources = Files.createDirectories(classes.resolve("src/webapp"));
        Files.writeString(sources.resolve("Cart.java"), """
                package webapp;
                public class Cart implements java.io.Serializable {
                    private final java.util.List<String> items = new java.util.ArrayList<>();
                    private Ticket ticket;
                    public Cart add(String item) { items.add(item); return this; }
                    public Cart ticket(Ticket ticket) { this.ticket = ticket; return this; }
                    public Ticket ticket() { return ticket; }
                    @Override public String toString() { return items.toString(); }
                }
                """);
        Files.writeString(sources.resolve("Ticket.java"), """
                package webapp;
                public class Ticket implements java.io.Serializable {
                    private final int number;
                    private transient String label;
                    public Ticket(int number) { this.number = number; this.label = "#" + number; }
                    private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
                        in.defaultReadObject();
                        label = "#" + number;
                    }
                    @Override public String toString() { return label; }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", classes.toString(),
                sources.resolve("Cart.java").toString(), sources.resolve("Ticket.java").toString());
        assertEquals(0, status);
        webApp = new URLClassLoader(new URL[] {classes.toUri().toURL()}, WebAppClassLoaderTest.class.getClassLoader());
    }

    @AfterAll
    static void closeTheLoader() throws IOException {
        webApp.close();
    }

    private static Object newCart() {
        try {
            Object ticket = webApp.loadClass("webapp.Ticket").getConstructor(int.class).newInstance(7);
            Object cart = webApp.loadClass("webapp.Cart").getConstructor().newInstance();
            cart.getClass().getMethod("add", String.class).invoke(cart, "apple");
            return cart.getClass().getMethod("ticket", ticket.getClass()).invoke(cart, ticket);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aValueComesBackAsAnInstanceOfTheWebAppsClass(Serialization serialization) throws Exception {
        AttributeCodec codec = serialization.codec(webApp, ClassFilter.of(null));

        Object copy = codec.decode("cart", codec.encode("cart", newCart()));

        assertSame(webApp, copy.getClass().getClassLoader());
        assertEquals("[apple]", copy.toString());
        Object ticket = copy.getClass().getMethod("ticket").invoke(copy);
        assertSame(webApp, ticket.getClass().getClassLoader());
        assertEquals("#7", ticket.toString());
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    void aCodecForAnotherLoaderSaysWhichClassItCannotLoad(Serialization serialization) {
        byte[] bytes = serialization.codec(webApp, ClassFilter.of(null)).encode("cart", List.of(newCart()));
        AttributeCodec appCodec = serialization.codec(getClass().getClassLoader(), ClassFilter.of(null));

        SerializationException e = assertThrows(SerializationException.class, () -> appCodec.decode("cart", bytes));

        assertTrue(e.getMessage().startsWith("attribute 'cart' holds a class the web-app cannot load ("), e.getMessage());
        assertTrue(e.getMessage().contains("webapp.Cart"), e.getMessage());
    }

}
