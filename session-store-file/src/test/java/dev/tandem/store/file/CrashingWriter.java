package dev.tandem.store.file;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The child JVM of {@link CrashSafetyTest}: saves sessions in a tight loop until it is killed,
 * printing {@code ACK <id> <version>} after each save returned. Each record carries its own
 * version in attribute {@code version} and a 2 KiB {@code filler} of that version's byte, so the
 * test can tell a consistent record from a torn one.
 */
public final class CrashingWriter {
    static final String WEB_APP = "crash";
    static final int FILLER = 2048;

    private CrashingWriter() {}

    public static void main(String[] args) {
        String path = args[0];
        int sessions = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, US_ASCII);
        SessionStore store = new FileStoreProvider().create(context(path));
        String[] ids = new String[sessions];
        long[] versions = new long[sessions];
        for (int i = 0; i < sessions; i++) {
            ids[i] = SessionId.generate("aa");
        }
        out.println("READY");
        out.flush();
        for (long n = 0; ; n++) {
            int i = (int) (n % sessions);
            long expected = versions[i] + 1;
            long version = store.save(new SessionChange(ids[i], 0, System.currentTimeMillis(), 3600,
                    attributes(expected), Set.of()));
            if (version != expected) {
                throw new IllegalStateException("save gave version " + version + ", expected " + expected);
            }
            versions[i] = version;
            out.println("ACK " + ids[i] + " " + version);
            out.flush();
        }
    }

    static StoreContext context(String path) {
        return new StoreContext(WEB_APP, Map.of("path", path), Clock.systemUTC(), Duration.ofMinutes(30),
                CrashingWriter.class.getClassLoader());
    }

    static Map<String, byte[]> attributes(long version) {
        byte[] filler = new byte[FILLER];
        Arrays.fill(filler, (byte) version);
        return Map.of("version", Long.toString(version).getBytes(US_ASCII), "filler", filler);
    }
}
