package dev.tandem.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes sent so far on the established TCP connections to or from some ports, from the kernel's
 * per-socket counters ({@code ss -ti}: {@code bytes_sent}). On loopback both ends of a connection
 * are listed, each with its own direction, so the sum counts each direction once.
 */
public final class TcpTraffic {
    private static final Pattern BYTES_SENT = Pattern.compile("bytes_sent:(\\d+)");

    private TcpTraffic() {}

    public static long bytesSent(Set<Integer> ports) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tinH", "state", "established").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (ss.waitFor() != 0) {
            throw new IOException("ss -tinH failed (is iproute2 installed?):\n" + out);
        }
        long sum = 0;
        boolean counting = false;
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!Character.isWhitespace(line.charAt(0))) {
                String[] fields = line.trim().split("\\s+");
                counting = fields.length >= 4 && (ports.contains(port(fields[2])) || ports.contains(port(fields[3])));
            } else if (counting) {
                Matcher m = BYTES_SENT.matcher(line);
                if (m.find()) {
                    sum += Long.parseLong(m.group(1));
                }
                counting = false;
            }
        }
        return sum;
    }

    private static int port(String address) {
        try {
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
