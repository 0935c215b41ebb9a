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
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The child JVM of {@link CrashSafetyTest}: saves sessions in a tight loop until it is killed,
 * printing {@code ACK <id> <version>} after each save returned. A session's first save carries
 * {@value #FILLERS} fillers {@code f0}, {@code f1}... of {@value #FILLER} bytes; each later save
 * carries attribute {@code version} and one filler, {@code f<version % FILLERS>}, filled with that
 * version's byte. So most saves write a delta file and every few saves write a new base (the
 * deltas reach half the base's bytes), and the test can tell, from {@link #attributes(long)}, a
 * record that is exactly some version from one that mixes versions or lost a delta.
 */
public final class CrashingWriter {
    static final String WEB_APP = "crash";
    static final int FILLERS = 16;
    static final int FILLER = 256;

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
        Thread compactor = new Thread(() -> {
            while (true) {
                try {
                    ((FileStore) store).compactNow();
                } catch (java.io.IOException | RuntimeException e) {
                    e.printStackTrace();
                }
            }
        }, "compactor");
        compactor.setDaemon(true);
        compactor.start();
        out.println("READY");
        out.flush();
        for (long n = 0; ; n++) {
            int i = (int) (n % sessions);
            long expected = versions[i] + 1;
            long version = store.save(new SessionChange(ids[i], 0, System.currentTimeMillis(), 3600,
                    expected == 1 ? attributes(1) : changed(expected), Set.of()));
            if (version != expected) {
                throw new IllegalStateException("save gave version " + version + ", expected " + expected);
            }
            versions[i] = version;
            out.println("ACK " + ids[i] + " " + version);
            out.flush();
        }
    }

    static StoreContext context(String path) {
        return new StoreContext(WEB_APP, Map.of("path", path, "segment-size", "16k"), Clock.systemUTC(), Duration.ofMinutes(30),
                CrashingWriter.class.getClassLoader());
    }

    /** The attributes the record of {@code version} has: what the saves up to it left. */
    static Map<String, byte[]> attributes(long version) {
        Map<String, byte[]> attributes = new HashMap<>();
        attributes.put("version", Long.toString(version).getBytes(US_ASCII));
        for (int i = 0; i < FILLERS; i++) {
            // The last save up to this version that wrote filler i: the first save wrote them all.
            long last = version - Math.floorMod(version - i, FILLERS);
            attributes.put("f" + i, filler(last > 1 ? last : 1));
        }
        return attributes;
    }

    /** What the save of {@code version} (after the first) carries. */
    private static Map<String, byte[]> changed(long version) {
        return Map.of("version", Long.toString(version).getBytes(US_ASCII),
                "f" + version % FILLERS, filler(version));
    }

    private static byte[] filler(long version) {
        byte[] filler = new byte[FILLER];
        Arrays.fill(filler, (byte) version);
        return filler;
    }
}
