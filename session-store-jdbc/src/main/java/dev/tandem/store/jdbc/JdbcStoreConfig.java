package dev.tandem.store.jdbc;

import dev.tandem.session.DurationParam;
import dev.tandem.session.spi.LogSafe;
import dev.tandem.session.spi.StoreContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The jdbc store's init-params, read once and checked together. Exactly one source of connections:
 * {@code data-source} (JNDI), {@code jdbc-url} (a HikariCP pool), or neither (embedded H2 under
 * {@code path}).
 *
 * @param maxIdleTime empty: a row is swept when its session's own max inactive interval has passed
 */
record JdbcStoreConfig(
        Optional<String> dataSource,
        Optional<String> jdbcUrl,
        Optional<String> jdbcUser,
        Optional<String> jdbcPassword,
        Optional<Path> path,
        int maxPoolSize,
        Duration connectionTimeout,
        String tableName,
        Optional<String> blobType,
        Optional<Duration> maxIdleTime) {

    static final String PATH = "path";
    static final String DATA_SOURCE = "data-source";
    static final String JDBC_URL = "jdbc-url";
    static final String JDBC_USER = "jdbc-user";
    static final String JDBC_PASSWORD = "jdbc-password";
    static final String MAX_POOL_SIZE = "max-pool-size";
    static final String CONNECTION_TIMEOUT = "connection-timeout";
    static final String TABLE_NAME = "table-name";
    static final String BLOB_TYPE = "blob-type";
    static final String MAX_IDLE_TIME = "max-idle-time";

    /** This store's params and the cluster transport's, which turn on change notices ({@link ChangeNotices}). */
    static final Set<String> PARAMETERS;

    static {
        Set<String> names = new java.util.HashSet<>(Set.of(PATH, DATA_SOURCE, JDBC_URL, JDBC_USER, JDBC_PASSWORD,
                MAX_POOL_SIZE, CONNECTION_TIMEOUT, TABLE_NAME, BLOB_TYPE, MAX_IDLE_TIME));
        names.addAll(dev.tandem.cluster.ClusterConfig.PARAMETER_NAMES);
        PARAMETERS = Set.copyOf(names);
    }

    static final String DEFAULT_TABLE_NAME = "persistent_session";
    static final int DEFAULT_MAX_POOL_SIZE = 10;
    /** Short, so that a request during a database outage gets its answer (from memory) soon. */
    static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The table name is the only value ever concatenated into SQL, so it is held to a plain
     * identifier. 53 characters at most: {@code <table-name>_attribute} must still fit
     * PostgreSQL's 63-character identifiers (it would silently truncate a longer one).
     */
    private static final Pattern TABLE_NAME_PATTERN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,52}");
    /** A column type goes into CREATE TABLE: a name with an optional size, such as {@code VARBINARY(1000000)}. */
    private static final Pattern BLOB_TYPE_PATTERN = Pattern.compile("[A-Za-z][A-Za-z0-9_ ]{0,40}(\\([0-9]{1,12}[KMGkmg]?\\))?");

    static JdbcStoreConfig parse(StoreContext context) {
        Optional<String> dataSource = context.parameter(DATA_SOURCE);
        Optional<String> jdbcUrl = context.parameter(JDBC_URL);
        Optional<String> user = context.parameter(JDBC_USER);
        // Not trimmed: a password may start or end with a space.
        Optional<String> password = Optional.ofNullable(context.parameters().get(JDBC_PASSWORD)).filter(p -> !p.isEmpty());
        Optional<String> path = context.parameter(PATH);
        Optional<String> poolSize = context.parameter(MAX_POOL_SIZE);
        Optional<String> timeout = context.parameter(CONNECTION_TIMEOUT);

        List<String> problems = new ArrayList<>();
        if (dataSource.isPresent() && jdbcUrl.isPresent()) {
            problems.add("set either " + DATA_SOURCE + " or " + JDBC_URL + ", not both");
        }
        if (jdbcUrl.isEmpty() && (user.isPresent() || password.isPresent())) {
            problems.add(JDBC_USER + " and " + JDBC_PASSWORD + " go with " + JDBC_URL
                    + "; a " + DATA_SOURCE + " carries its own credentials");
        }
        if (jdbcUrl.isEmpty() && (poolSize.isPresent() || timeout.isPresent())) {
            problems.add(MAX_POOL_SIZE + " and " + CONNECTION_TIMEOUT + " size the pool made for " + JDBC_URL
                    + "; with " + (dataSource.isPresent() ? DATA_SOURCE + " the container's pool" : "the embedded H2 database a small pool")
                    + " is used: remove them");
        }
        if (path.isPresent() && (dataSource.isPresent() || jdbcUrl.isPresent())) {
            problems.add(PATH + " is only for the embedded H2 database; remove it, or remove "
                    + (dataSource.isPresent() ? DATA_SOURCE : JDBC_URL) + " to use the embedded database");
        }
        if (path.isEmpty() && dataSource.isEmpty() && jdbcUrl.isEmpty()) {
            problems.add("set " + PATH + " (a directory for the embedded H2 database), " + JDBC_URL + " or " + DATA_SOURCE);
        }
        if (path.isPresent() && path.get().contains(";")) {
            problems.add(PATH + " must not contain ';' (it goes into the H2 URL), got '" + path.get() + "'");
        }
        if (jdbcUrl.isPresent() && !jdbcUrl.get().startsWith("jdbc:")) {
            problems.add(JDBC_URL + " must start with jdbc:, got '" + jdbcUrl.get() + "'");
        }

        String table = context.parameter(TABLE_NAME).orElse(DEFAULT_TABLE_NAME);
        if (!TABLE_NAME_PATTERN.matcher(table).matches()) {
            problems.add(TABLE_NAME + " must be a plain SQL identifier: a letter or _ then up to 52 letters, digits or _ "
                    + "(it becomes part of SQL statements), got '" + table + "'");
        }
        Optional<String> blobType = context.parameter(BLOB_TYPE);
        if (blobType.isPresent() && !BLOB_TYPE_PATTERN.matcher(blobType.get()).matches()) {
            problems.add(BLOB_TYPE + " must be a column type such as BYTEA, LONGBLOB or VARBINARY(1000000) "
                    + "(it becomes part of CREATE TABLE), got '" + blobType.get() + "'");
        }

        int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
        if (poolSize.isPresent()) {
            try {
                maxPoolSize = Integer.parseInt(poolSize.get());
            } catch (NumberFormatException e) {
                maxPoolSize = -1;
            }
            if (maxPoolSize < 1 || maxPoolSize > 1000) {
                problems.add(MAX_POOL_SIZE + " must be a number from 1 to 1000, got '" + poolSize.get() + "'");
            }
        }
        Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        if (timeout.isPresent()) {
            connectionTimeout = durationOrProblem(CONNECTION_TIMEOUT, timeout.get(), problems);
            // HikariCP refuses less than 250 ms.
            if (connectionTimeout != null && connectionTimeout.toMillis() < 250) {
                problems.add(CONNECTION_TIMEOUT + " must be at least 250ms, got '" + timeout.get() + "'");
            }
        }
        Optional<Duration> maxIdleTime = context.parameter(MAX_IDLE_TIME)
                .map(value -> durationOrProblem(MAX_IDLE_TIME, value, problems));
        if (maxIdleTime.isPresent() && maxIdleTime.get() != null && maxIdleTime.get().toSeconds() < 1) {
            problems.add(MAX_IDLE_TIME + " must be at least 1s, got '" + context.parameter(MAX_IDLE_TIME).get() + "'");
        }

        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("persistent-store=jdbc: " + String.join("; ", problems));
        }
        return new JdbcStoreConfig(dataSource, jdbcUrl, user, password, path.map(Path::of), maxPoolSize,
                connectionTimeout, table, blobType, maxIdleTime);
    }

    private static Duration durationOrProblem(String param, String value, List<String> problems) {
        try {
            // A bare number is seconds, as for Resin's max-idle-time.
            return DurationParam.parse(param, value, ChronoUnit.SECONDS);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    String attributeTable() {
        return tableName + "_attribute";
    }

    /** The effective config for the start-up log line; the password is masked. */
    String describe() {
        String source = dataSource.map(name -> DATA_SOURCE + "=" + name)
                .or(() -> jdbcUrl.map(url -> JDBC_URL + "=" + LogSafe.mask(url) + " " + JDBC_USER + "=" + jdbcUser.orElse("-")
                        + " " + JDBC_PASSWORD + "=" + (jdbcPassword.isPresent() ? "****" : "-")
                        + " " + MAX_POOL_SIZE + "=" + maxPoolSize + " " + CONNECTION_TIMEOUT + "=" + connectionTimeout.toMillis() + "ms"))
                .orElseGet(() -> "embedded H2 under " + PATH + "=" + path.orElseThrow());
        return source + " " + TABLE_NAME + "=" + tableName + " " + BLOB_TYPE + "=" + blobType.orElse("(dialect default)")
                + " " + MAX_IDLE_TIME + "=" + maxIdleTime.map(d -> d.toSeconds() + "s").orElse("(each session's max inactive interval)");
    }
}
