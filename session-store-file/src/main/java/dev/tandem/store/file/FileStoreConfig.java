package dev.tandem.store.file;

import dev.tandem.session.spi.StoreContext;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The file store's init-params, read once.
 *
 * @param directory where this web-app's session files live: {@code <path>/<webApp>}
 * @param fsync whether each save is forced to disk before it is acknowledged
 * @param segmentSize the size at which the log starts a new segment file
 * @param compactInBackground whether the store's own thread compacts the log; tests that compact by
 *     hand turn it off
 */
record FileStoreConfig(Path directory, boolean fsync, long segmentSize, boolean compactInBackground) {
    static final Set<String> PARAMETERS = Set.of("path", "fsync", "segment-size");
    static final long DEFAULT_SEGMENT_SIZE = 64L << 20;
    private static final long MIN_SEGMENT_SIZE = 4L << 10;
    private static final long MAX_SEGMENT_SIZE = 1L << 30;

    FileStoreConfig(Path directory, boolean fsync) {
        this(directory, fsync, DEFAULT_SEGMENT_SIZE, true);
    }
    // The same characters core's web-app names are made of; "." and ".." are refused separately.
    private static final Pattern WEB_APP = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    static FileStoreConfig from(StoreContext context) {
        String path = context.parameter("path").orElseThrow(() -> new IllegalArgumentException(
                "path is required for persistent-store=file: set init-param path to a directory for the "
                        + "session files, such as /var/lib/myapp/sessions"));
        Path root;
        try {
            root = Path.of(path).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("path '" + path + "' is not a valid directory name: " + e.getMessage(), e);
        }
        String webApp = context.webApp();
        if (webApp == null || !WEB_APP.matcher(webApp).matches() || webApp.equals(".") || webApp.equals("..")) {
            throw new IllegalArgumentException("web-app name '" + webApp + "' cannot be a directory name under "
                    + root + "; it must be 1-200 characters of [A-Za-z0-9._-] and not '.' or '..'");
        }
        Path directory = root.resolve(webApp).normalize();
        if (!root.equals(directory.getParent())) {
            throw new IllegalArgumentException("web-app directory " + directory + " is not inside path " + root);
        }
        return new FileStoreConfig(directory, parseFsync(context.parameter("fsync").orElse("false")),
                parseSize(context.parameter("segment-size").orElse("64m")), true);
    }

    /** {@code 65536}, {@code 64k}, {@code 64m}: bytes, KiB or MiB. */
    private static long parseSize(String value) {
        String v = value.toLowerCase(java.util.Locale.ROOT);
        long unit = v.endsWith("k") ? 1L << 10 : v.endsWith("m") ? 1L << 20 : 1;
        String digits = unit == 1 ? v : v.substring(0, v.length() - 1);
        long size;
        try {
            size = Math.multiplyExact(Long.parseLong(digits), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            size = -1;
        }
        if (size < MIN_SEGMENT_SIZE || size > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment-size must be 4k to 1024m, such as 64m, got '" + value
                    + "'; it is the size at which the session log starts a new segment file");
        }
        return size;
    }

    private static boolean parseFsync(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("fsync must be true or false, got '" + value
                    + "'; true forces every save to disk before it is acknowledged (power-loss safe, slower)");
        };
    }
}
