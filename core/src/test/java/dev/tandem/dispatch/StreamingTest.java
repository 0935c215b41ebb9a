package dev.tandem.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100 MB each way through a web tier whose heap (48 MB) could not hold the body: streaming, not
 * buffering. The web tier runs in a child JVM; the app node and the client in this one.
 */
@Timeout(180)
class StreamingTest {
    static final long SIZE = 100L * 1024 * 1024;

    @Test
    void aHundredMegabytesStreamEachWayThroughAWebTierWithA48MegabyteHeap() throws Exception {
        Process child = null;
        try (AppNode app = AppNode.start("a")) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            child = new ProcessBuilder(java, "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), WebTierMain.class.getName(), app.entry())
                    .redirectErrorStream(true).start();
            int port = awaitReady(child);
            URI base = URI.create("http://127.0.0.1:" + port);

            HttpResponse<String> up = Requests.HTTP.send(HttpRequest.newBuilder(base.resolve("/upload"))
                    .timeout(Duration.ofSeconds(120))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> new Zeros(SIZE)), SIZE)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, up.statusCode(), up.body());
            assertEquals("a read " + SIZE, up.body());

            for (String query : List.of("", "&chunked")) {
                HttpResponse<InputStream> down = Requests.HTTP.send(HttpRequest.newBuilder(base.resolve("/download?bytes=" + SIZE + query))
                        .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, down.statusCode());
                long n = 0;
                try (InputStream in = down.body()) {
                    byte[] buffer = new byte[256 * 1024];
                    for (int r = in.read(buffer); r >= 0; r = in.read(buffer)) {
                        n += r;
                    }
                }
                assertEquals(SIZE, n, "downloaded" + query);
            }
            assertEquals(true, child.isAlive(), "the web tier survived");
        } finally {
            if (child != null) {
                child.destroyForcibly();
                child.waitFor();
            }
        }
    }

    private static int awaitReady(Process child) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("READY ")) {
                int port = Integer.parseInt(line.substring("READY ".length()).trim());
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // keep the child's output pipe from filling
                        }
                    } catch (IOException e) {
                        // child ended
                    }
                }, "web-tier-output");
                drain.setDaemon(true);
                drain.start();
                return port;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the web tier JVM ended before READY:\n" + seen);
    }

    /** {@code size} zero bytes, generated as read. */
    static final class Zeros extends InputStream {
        private long left;

        Zeros(long size) {
            left = size;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
