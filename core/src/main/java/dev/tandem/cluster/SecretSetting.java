package dev.tandem.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where the {@code cluster-secret} is read from, in this order: init-param {@code cluster-secret},
 * init-param {@code cluster-secret-file}, {@code -Dtandem.cluster-secret}, {@code
 * -Dtandem.cluster-secret-file}, environment variables {@code TANDEM_CLUSTER_SECRET} and {@code
 * TANDEM_CLUSTER_SECRET_FILE}. A file holds the secret on its first line. A {@code -D} value is
 * visible to every local user in {@code ps}; a file readable by the server's user alone, or the
 * environment, is not. Shared by the cluster port and the dispatch filter's control requests.
 */
public final class SecretSetting {
    public static final String PARAM = "cluster-secret";
    public static final String FILE_PARAM = "cluster-secret-file";
    /** A secret shorter than this is refused: an HMAC key must not be guessable. */
    public static final int MIN_LENGTH = 16;

    private SecretSetting() {}

    /**
     * The secret, if any source sets one.
     *
     * @param properties system properties
     * @param env environment variables
     * @throws IllegalArgumentException if it is shorter than {@value #MIN_LENGTH} characters or its file cannot be read
     */
    public static Optional<String> read(Map<String, String> params, Function<String, String> properties,
            Function<String, String> env) {
        Optional<String> found = text(params.get(PARAM), PARAM)
                .or(() -> file(params.get(FILE_PARAM), FILE_PARAM))
                .or(() -> text(properties.apply("tandem." + PARAM), "-Dtandem." + PARAM))
                .or(() -> file(properties.apply("tandem." + FILE_PARAM), "-Dtandem." + FILE_PARAM))
                .or(() -> text(env.apply("TANDEM_CLUSTER_SECRET"), "TANDEM_CLUSTER_SECRET"))
                .or(() -> file(env.apply("TANDEM_CLUSTER_SECRET_FILE"), "TANDEM_CLUSTER_SECRET_FILE"));
        found.ifPresent(secret -> {
            if (secret.length() < MIN_LENGTH) {
                throw new IllegalArgumentException(PARAM + " is too short (" + secret.length() + " characters); use at "
                        + "least " + MIN_LENGTH + " random characters, e.g. the output of: openssl rand -base64 24");
            }
        });
        return found;
    }

    /** How to set it, for the error that says it is missing. */
    public static String howToSet() {
        return "set init-param " + PARAM + " or " + FILE_PARAM + ", -Dtandem." + PARAM + " or -Dtandem." + FILE_PARAM
                + ", or environment variable TANDEM_CLUSTER_SECRET or TANDEM_CLUSTER_SECRET_FILE";
    }

    private static Optional<String> text(String value, String source) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static Optional<String> file(String path, String source) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        try {
            String content = Files.readString(Path.of(path.trim()), StandardCharsets.UTF_8);
            int end = content.indexOf('\n');
            return text(end < 0 ? content : content.substring(0, end), source);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(source + " names " + path.trim() + ", which cannot be read: " + e);
        }
    }
}
