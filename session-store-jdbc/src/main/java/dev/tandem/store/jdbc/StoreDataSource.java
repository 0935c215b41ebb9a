package dev.tandem.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.tandem.session.spi.LogSafe;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ServiceLoader;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Where the store's connections come from: the container's pool found by JNDI, or a HikariCP pool
 * this store owns (for {@code jdbc-url}, or for the embedded H2 file database under {@code path}).
 * Connections are handed out with auto-commit off and READ COMMITTED isolation.
 */
final class StoreDataSource implements AutoCloseable {
    /**
     * Settings of the embedded H2 database. DB_CLOSE_ON_EXIT=FALSE: the web-app saves its sessions
     * when it stops, which may be after H2's own shutdown hook would have closed the database.
     * RETENTION_TIME=1000: H2 keeps every chunk it freed for this long before reusing its space (45 s
     * by default), so under sustained saves the file holds about write rate × retention time of dead
     * chunks: 1,000,000 saves of a 2 KiB session at full speed grew the file to 2 GB with the default
     * and to 170 MB with 1 s, and saves ran 2.7× faster. Not lower: at 0, H2 can reuse blocks a chunk
     * map written at close still lists, and the file then refuses to open ("Double mark",
     * h2database#2752 and #4083); 1 s was clean in soak tests reported there. The window exists so
     * that the disk holds a new chunk before the space of the old one is reused: a crash of the JVM
     * leaves what H2 wrote in the operating system's cache, so only a power loss within the window
     * is exposed to it.
     * MAX_COMPACT_TIME=2000: up to 2 s of compaction when the store closes (H2's default is 200 ms).
     */
    static final String EMBEDDED_H2_SETTINGS =
            ";DB_CLOSE_ON_EXIT=FALSE;RETENTION_TIME=1000;MAX_COMPACT_TIME=2000;LOCK_TIMEOUT=10000";

    private final DataSource dataSource;
    private final HikariDataSource owned;
    private final String description;

    private StoreDataSource(DataSource dataSource, HikariDataSource owned, String description) {
        this.dataSource = dataSource;
        this.owned = owned;
        this.description = description;
    }

    static StoreDataSource open(JdbcStoreConfig config, String webApp, ClassLoader loader) {
        if (config.dataSource().isPresent()) {
            return lookUp(config.dataSource().get());
        }
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("tandem-jdbc-" + webApp);
        pool.setAutoCommit(false);
        pool.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        pool.setMaximumPoolSize(config.maxPoolSize());
        pool.setConnectionTimeout(config.connectionTimeout().toMillis());
        // Must stay below the connection timeout, or HikariCP would wait 5 s on a dead connection.
        pool.setValidationTimeout(Math.max(250, config.connectionTimeout().toMillis() / 2));
        String url;
        if (config.jdbcUrl().isPresent()) {
            url = config.jdbcUrl().get();
            config.jdbcUser().ifPresent(pool::setUsername);
            config.jdbcPassword().ifPresent(pool::setPassword);
        } else {
            Path directory = config.path().orElseThrow().toAbsolutePath();
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new UncheckedIOException("persistent-store=jdbc: cannot create the directory " + directory
                        + " of the embedded H2 database (path): " + e.getMessage() + "; check its permissions", e);
            }
            // One database file per web-app: two web-apps with their own copies of H2 could not share one file.
            url = "jdbc:h2:file:" + directory.resolve(webApp) + EMBEDDED_H2_SETTINGS;
        }
        pool.setJdbcUrl(url);
        pool.setDriverClassName(driverFor(url, loader));
        try {
            HikariDataSource hikari = new HikariDataSource(pool);
            return new StoreDataSource(hikari, hikari, url);
        } catch (RuntimeException e) {
            throw new IllegalStateException("persistent-store=jdbc: cannot connect to " + LogSafe.mask(url) + ": "
                    + rootMessage(e) + "; check that the database is running and the URL, user and password are right", e);
        }
    }

    private static StoreDataSource lookUp(String name) {
        Object found;
        try {
            found = new InitialContext().lookup(name);
        } catch (NamingException e) {
            throw new IllegalArgumentException("data-source: nothing is bound at the JNDI name '" + name + "' (" + e
                    + "); declare the pool in the container (a <Resource> or <resource-ref>) or use jdbc-url", e);
        }
        if (!(found instanceof DataSource dataSource)) {
            throw new IllegalArgumentException("data-source: the JNDI name '" + name + "' holds a "
                    + (found == null ? "null" : found.getClass().getName()) + ", not a javax.sql.DataSource");
        }
        return new StoreDataSource(dataSource, null, "JNDI " + name);
    }

    /**
     * The driver's class name, found through the web-app's class loader: a driver jar in
     * WEB-INF/lib is not always visible to {@link java.sql.DriverManager}.
     */
    private static String driverFor(String url, ClassLoader loader) {
        for (Driver driver : ServiceLoader.load(Driver.class, loader)) {
            try {
                if (driver.acceptsURL(url)) {
                    return driver.getClass().getName();
                }
            } catch (SQLException e) {
                // This driver cannot tell; ask the next.
            }
        }
        throw new IllegalArgumentException("jdbc-url: no JDBC driver on the class path accepts '" + LogSafe.mask(url)
                + "'; add the database's driver jar (such as org.postgresql:postgresql or org.mariadb.jdbc:mariadb-java-client)"
                + " to the web-app");
    }

    /** A connection with auto-commit off and READ COMMITTED; the caller commits or rolls back. */
    Connection connection() throws SQLException {
        Connection connection = dataSource.getConnection();
        if (owned == null) {
            // A container's pool: set what our pool would have set when it made the connection.
            connection.setAutoCommit(false);
            if (connection.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
        return connection;
    }

    /** Gives the connection back; a container's connection gets its auto-commit back first. */
    void release(Connection connection) throws SQLException {
        try {
            if (owned == null) {
                connection.setAutoCommit(true);
            }
        } finally {
            connection.close();
        }
    }

    /**
     * Whether {@code connection} failed because it is broken (its database went away), in which
     * case our pool drops it at once. Our pool knows SQLState 08 as broken, but not every
     * driver's code for it (H2 says 90121 "database is already closed"), so we ask the connection.
     */
    boolean discardIfBroken(Connection connection) {
        try {
            if (connection.isValid(1)) {
                return false;
            }
        } catch (SQLException e) {
            // as broken as it gets
        }
        if (owned != null) {
            owned.evictConnection(connection);
        }
        return true;
    }

    String description() {
        return LogSafe.mask(description);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }
}
