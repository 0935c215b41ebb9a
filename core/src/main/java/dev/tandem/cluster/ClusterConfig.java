package dev.tandem.cluster;

import dev.tandem.session.DurationParam;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster transport's settings, read once from init-params and checked as a whole. The
 * timeouts are Resin's srun defaults.
 *
 * @param connectTimeout how long opening a TCP connection to a peer may take
 * @param idleTime an outgoing connection with nothing in flight for this long is closed
 * @param recoverTime a peer that failed to connect is not tried again for this long
 * @param socketTimeout how long a request may wait for its response
 * @param handshakeTimeout a connection not authenticated within this time is dropped
 * @param maxFrameSize the largest frame, header included, that is sent or accepted
 */
public record ClusterConfig(
        ClusterTopology topology,
        ClusterMember self,
        ClusterSecret secret,
        Duration connectTimeout,
        Duration idleTime,
        Duration recoverTime,
        Duration socketTimeout,
        Duration handshakeTimeout,
        int maxFrameSize) {

    public static final String CLUSTER = "cluster";
    public static final String SERVER_ID = "server-id";
    public static final String CLUSTER_SECRET = "cluster-secret";
    public static final String CONNECT_TIMEOUT = "connect-timeout";
    public static final String IDLE_TIME = "idle-time";
    public static final String RECOVER_TIME = "recover-time";
    public static final String SOCKET_TIMEOUT = "socket-timeout";
    public static final String HANDSHAKE_TIMEOUT = "handshake-timeout";
    public static final String MAX_FRAME_SIZE = "max-frame-size";

    /** The init-params read here, for a store provider's {@code parameterNames()}. */
    public static final Set<String> PARAMETER_NAMES = Set.of(CLUSTER, SERVER_ID, CLUSTER_SECRET,
            SecretSetting.FILE_PARAM, CONNECT_TIMEOUT,
            IDLE_TIME, RECOVER_TIME, SOCKET_TIMEOUT, HANDSHAKE_TIMEOUT, MAX_FRAME_SIZE);

    public static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

    /** Below this a frame could not even carry a handshake with a long server name. */
    static final int MIN_MAX_FRAME_SIZE = 4 * 1024;

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib)");

    public ClusterConfig {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(secret, "secret");
    }

    /**
     * Reads the params this class knows and ignores the others (the session filter rejects
     * unknown ones).
     *
     * @throws IllegalArgumentException naming the offending param, its value and what to do
     */
    public static ClusterConfig parse(Map<String, String> params) {
        return parse(params, System::getProperty);
    }

    static ClusterConfig parse(Map<String, String> params, Function<String, String> properties) {
        String list = value(params, CLUSTER).orElseThrow(() -> new IllegalArgumentException(CLUSTER
                + " is not set; list the servers as name=host:port, e.g. app-a=127.0.0.1:6801 app-b=127.0.0.1:6802"));
        ClusterTopology topology = ClusterTopology.parse(CLUSTER, list);
        ClusterMember self = topology.self(value(params, SERVER_ID));

        Optional<String> secretText = SecretSetting.read(params, properties, System::getenv);
        if (secretText.isEmpty() && topology.size() > 1) {
            throw new IllegalArgumentException(CLUSTER_SECRET + " is required when " + CLUSTER + " has "
                    + topology.size() + " servers; " + SecretSetting.howToSet());
        }
        ClusterSecret secret = secretText.map(ClusterSecret::of).orElseGet(ClusterSecret::random);

        return new ClusterConfig(topology, self, secret,
                duration(params, CONNECT_TIMEOUT, Duration.ofSeconds(5)),
                duration(params, IDLE_TIME, Duration.ofSeconds(5)),
                duration(params, RECOVER_TIME, Duration.ofSeconds(15)),
                duration(params, SOCKET_TIMEOUT, Duration.ofSeconds(65)),
                duration(params, HANDSHAKE_TIMEOUT, Duration.ofSeconds(5)),
                value(params, MAX_FRAME_SIZE).map(ClusterConfig::size).orElse(DEFAULT_MAX_FRAME_SIZE));
    }

    private static Optional<String> value(Map<String, String> params, String name) {
        return Optional.ofNullable(params.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static Duration duration(Map<String, String> params, String name, Duration fallback) {
        Optional<String> text = value(params, name);
        if (text.isEmpty()) {
            return fallback;
        }
        Duration d = DurationParam.parse(name, text.get(), ChronoUnit.SECONDS);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, such as " + fallback.toSeconds()
                    + "s, got '" + text.get() + "'");
        }
        // Socket timeouts are ints of milliseconds.
        if (d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be at most 24d, got '" + text.get() + "'");
        }
        return d;
    }

    private static int size(String text) {
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        long bytes = -1;
        if (m.matches()) {
            try {
                long unit = switch (m.group(2)) {
                    case "k", "kb", "kib" -> 1024;
                    case "m", "mb", "mib" -> 1024 * 1024;
                    default -> 1;
                };
                bytes = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                bytes = Long.MAX_VALUE;
            }
        }
        if (bytes < 0) {
            throw new IllegalArgumentException(MAX_FRAME_SIZE + " must be a size such as 16m, 512k or a number of bytes, got '"
                    + text + "'");
        }
        if (bytes < MIN_MAX_FRAME_SIZE || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(MAX_FRAME_SIZE + " must be between 4k and 2047m (a few MiB above the largest "
                    + "session), got '" + text + "'");
        }
        return (int) bytes;
    }

    // The topology has no equals of its own; two configs are the same cluster when the members are.
    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterConfig c && topology.members().equals(c.topology.members()) && self.equals(c.self)
                && secret.equals(c.secret) && connectTimeout.equals(c.connectTimeout) && idleTime.equals(c.idleTime)
                && recoverTime.equals(c.recoverTime) && socketTimeout.equals(c.socketTimeout)
                && handshakeTimeout.equals(c.handshakeTimeout) && maxFrameSize == c.maxFrameSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topology.members(), self, connectTimeout, idleTime, recoverTime, socketTimeout,
                handshakeTimeout, maxFrameSize);
    }

    /** The effective settings, for the start-up log line; the secret is masked. */
    @Override
    public String toString() {
        return CLUSTER + "=[" + topology + "] " + SERVER_ID + "=" + self.name() + " " + CLUSTER_SECRET + "=" + secret
                + " " + CONNECT_TIMEOUT + "=" + connectTimeout.toMillis() + "ms " + IDLE_TIME + "=" + idleTime.toMillis()
                + "ms " + RECOVER_TIME + "=" + recoverTime.toMillis() + "ms " + SOCKET_TIMEOUT + "="
                + socketTimeout.toMillis() + "ms " + HANDSHAKE_TIMEOUT + "=" + handshakeTimeout.toMillis() + "ms "
                + MAX_FRAME_SIZE + "=" + maxFrameSize;
    }
}
