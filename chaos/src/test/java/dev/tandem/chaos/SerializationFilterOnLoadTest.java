package dev.tandem.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tandem.testing.Container;
import dev.tandem.testing.ProbeServlet;
import dev.tandem.testing.RunningServer;
import dev.tandem.testing.TestClient;
import dev.tandem.testing.WebApp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session stored with a class that the restarted server's {@code serialization-filter} no longer
 * allows (a planted gadget looks the same to the store): on the real file and JDBC stores, over
 * HTTP, the session is refused on load, the refusal is logged with the class, the request gets a
 * fresh session, and the stored record is kept for a look.
 */
class SerializationFilterOnLoadTest {
    private static final String REFUSED = "dev.tandem.testing.ProbeServlet$Opaque";

    @TempDir
    Path directory;

    private RunningServer start(String store, String filter) {
        return Container.JETTY.start(WebApp.at("/app").param("persistent-store", store)
                .param("path", directory.toString()).param("serialization-filter", filter)
                .servlet("/probe/*", new ProbeServlet()));
    }

    @ParameterizedTest(name = "{0} store")
    @ValueSource(strings = {"file", "jdbc"})
    void aStoredClassTheFilterRefusesIsLoggedAndTheSessionTreatedAsMissing(String store) throws IOException {
        TestClient client = TestClient.withCookies();
        try (RunningServer before = start(store, "dev.tandem.**;java.base/*")) {
            assertEquals("ok", client.get(before.uri("/app/probe/set-object?name=o&value=secret")).body());
        }
        String id = client.cookie("JSESSIONID").orElseThrow();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream stderr = System.err;
        try (RunningServer after = start(store, "!" + REFUSED)) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            try {
                assertEquals("no session", client.get(after.uri("/app/probe/get-object?name=o")).body());
                assertEquals("ok", client.get(after.uri("/app/probe/set?name=x&value=1")).body());
            } finally {
                System.setErr(stderr);
            }
            assertNotEquals(id, client.cookie("JSESSIONID").orElseThrow(), "a fresh session");
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        System.err.print(logged);
        assertTrue(logged.contains(id.substring(0, 6)) && logged.contains("Opaque"),
                "the refusal names the session and the class: " + logged);
        if (store.equals("file")) {
            // The log's records name their session: a segment that still holds the id keeps the record.
            byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
            try (Stream<Path> files = Files.walk(directory)) {
                assertTrue(files.filter(Files::isRegularFile).anyMatch(f -> holds(f, idBytes)), "the record is kept");
            }
        }
    }

    private static boolean holds(Path file, byte[] needle) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }
}
