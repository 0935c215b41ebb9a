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
 * @param fsync whether each save is forced to disk (file and directory) before it is acknowledged
 */
record FileStoreConfig(Path directory, boolean fsync) {
    static final Set<String> PARAMETERS = Set.of("path", "fsync");
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
        return new FileStoreConfig(directory, parseFsync(context.parameter("fsync").orElse("false")));
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
