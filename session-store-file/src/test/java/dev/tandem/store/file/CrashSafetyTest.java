package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoredSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL a JVM that saves sessions in a tight loop while it compacts its log, at a few different
 * points, and reopen its directory: every session is at its last acknowledged version or newer,
 * and its record is whole.
 */
class CrashSafetyTest {
    private static final String END = "<end of output>";

    @TempDir
    Path sessions;
    @TempDir
    Path logs;

    @Test
    void everySessionSurvivesASigkillAtItsLastAcknowledgedVersionOrNewer() throws Exception {
        Map<String, Long> acknowledged = new HashMap<>();
        int round = 0;
        for (int killAfter : List.of(1, 300, 3_000)) {
            round++;
            acknowledged.putAll(runAndKill(killAfter, round));
            checkEverySessionIsWhole(acknowledged);
        }
    }

    /** Starts the writer, kills it after {@code killAfter} acknowledgements; every acknowledgement it printed. */
    private Map<String, Long> runAndKill(int killAfter, int round) throws Exception {
        Path stderr = logs.resolve("writer-" + round + ".err");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                CrashingWriter.class.getName(), sessions.toString(), "20")
                .redirectError(stderr.toFile())
                .start();
        try {
            BlockingQueue<String> lines = readLines(child);
            expectLine(lines, "READY", stderr);
            Map<String, Long> acks = new HashMap<>();
            for (int n = 0; n < killAfter; n++) {
                ack(acks, expectLine(lines, "ACK", stderr));
            }
            // SIGKILL through the handle: Process.destroyForcibly would also close the pipe we still read.
            child.toHandle().destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "the writer did not die");
            // What the writer printed before it died was acknowledged too.
            for (String line = lines.poll(10, TimeUnit.SECONDS); !END.equals(line); line = lines.poll(10, TimeUnit.SECONDS)) {
                assertNotNull(line, "the writer's output did not end");
                ack(acks, line);
            }
            return acks;
        } finally {
            child.destroyForcibly();
        }
    }

    private void checkEverySessionIsWhole(Map<String, Long> acknowledged) throws IOException {
        try (SessionStore store = new FileStoreProvider().create(CrashingWriter.context(sessions.toString()))) {
            acknowledged.forEach((id, version) -> {
                StoredSession loaded = store.load(id);
                assertNotNull(loaded, "session " + id + " acknowledged at version " + version + " is gone");
                assertTrue(loaded.version() >= version, "session " + id + " is at version " + loaded.version()
                        + ", acknowledged at " + version);
                Map<String, byte[]> expected = CrashingWriter.attributes(loaded.version());
                assertEquals(expected.keySet(), loaded.attributes().keySet(), "session " + id);
                expected.forEach((name, bytes) -> assertArrayEquals(bytes, loaded.attributes().get(name),
                        "session " + id + " at version " + loaded.version() + ", attribute " + name));
            });
        }
        try (Stream<Path> files = Files.list(sessions.resolve(CrashingWriter.WEB_APP))) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".corrupt")), "nothing is set aside: a torn tail is cut");
        }
    }

    private static void ack(Map<String, Long> acks, String line) {
        String[] parts = line.split(" ");
        assertEquals(3, parts.length, "writer line: " + line);
        acks.merge(parts[1], Long.parseLong(parts[2]), Math::max);
    }

    private static String expectLine(BlockingQueue<String> lines, String prefix, Path stderr) throws Exception {
        String line = lines.poll(15, TimeUnit.SECONDS);
        if (line == null || END.equals(line) || !line.startsWith(prefix)) {
            fail("expected " + prefix + " from the writer, got " + line + "; its stderr:\n" + Files.readString(stderr));
        }
        return line;
    }

    /** The child's stdout, line by line, read on a daemon thread so that the test can wait with a timeout. */
    private static BlockingQueue<String> readLines(Process child) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), US_ASCII))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the pipe was closed by the finally block of a failing test: no more lines
            } finally {
                lines.add(END);
            }
        }, "writer-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
