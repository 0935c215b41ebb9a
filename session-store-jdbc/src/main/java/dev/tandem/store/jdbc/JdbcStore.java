package dev.tandem.store.jdbc;

import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionRemovedException;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreException;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in two tables: one row per session (times, version, tombstone) and one row per
 * attribute, so a save writes only the attributes that changed. Every write of a session first
 * takes its session row's lock (the UPDATE that raises the version), which orders saves, removes
 * and sweeps of one session and lets saves of different sessions run in parallel.
 *
 * <p>Errors are thrown promptly as {@link SessionStoreException} (the pool waits at most its
 * connection timeout) and logged by core, once per outage; every method is safe to call again.
 */
final class JdbcStore implements SessionStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
    static final String NAME = "jdbc";
    /** Tries of a transaction that lost a race (two first saves of one id, a deadlock). */
    private static final int ATTEMPTS = 5;

    private final String webApp;
    private final Clock clock;
    private final long sessionTimeoutMillis;
    private final Long maxIdleMillis;
    private final StoreDataSource source;
    private final Dialect dialect;
    private final SessionTableSql sql;
    /** With a cluster: tells a session's owner when this server wrote it. */
    private final Optional<ChangeNotices> notices;

    JdbcStore(StoreContext context, JdbcStoreConfig config, StoreDataSource source, Optional<ChangeNotices> notices) {
        this.webApp = context.webApp();
        this.notices = notices;
        this.clock = context.clock();
        this.sessionTimeoutMillis = Math.max(0, context.sessionTimeout().toMillis());
        this.maxIdleMillis = config.maxIdleTime().map(java.time.Duration::toMillis).orElse(null);
        this.source = source;
        String version;
        try {
            Connection connection = source.connection();
            try {
                this.dialect = Dialect.of(connection.getMetaData());
                version = connection.getMetaData().getDatabaseProductName() + " "
                        + connection.getMetaData().getDatabaseProductVersion();
                this.sql = new SessionTableSql(config.tableName(), config.attributeTable(), dialect);
                createTablesIfMissing(connection, config);
            } finally {
                source.release(connection);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("persistent-store=jdbc: cannot prepare the tables " + config.tableName()
                    + " and " + config.attributeTable() + " in " + source.description() + ": " + e.getMessage()
                    + "; check that the database is running and the user may create tables", e);
        }
        LOG.info("[{}] jdbc store on {} ({} dialect): {}{}", webApp, version, dialect, config.describe(),
                notices.isPresent() ? "; change notices to each session's owner over the cluster port" : "");
    }

    private void createTablesIfMissing(Connection connection, JdbcStoreConfig config) throws SQLException {
        List<SQLException> failures = new ArrayList<>();
        String blobType = config.blobType().orElse(dialect.binaryType);
        for (String ddl : dialect.createTables(config.tableName(), config.attributeTable(), blobType)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute(ddl);
                connection.commit();
            } catch (SQLException e) {
                // The table exists (portable SQL has no IF NOT EXISTS), or another node created it
                // at the same moment: the check below tells.
                connection.rollback();
                failures.add(e);
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery(sql.checkColumns).close();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            failures.forEach(e::addSuppressed);
            throw new SQLException("the tables " + config.tableName() + " and " + config.attributeTable()
                    + " are missing or lack the jdbc store's columns (" + e.getMessage() + "); if another program owns "
                    + "a table of that name, set table-name to a new one", e.getSQLState(), e);
        }
    }

    @Override
    public StoredSession load(String id) {
        SessionId.requireWellFormed(id);
        return inTransaction(id, "load", connection -> {
            try (PreparedStatement select = prepare(connection, sql.load, webApp, id);
                 ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return null;
                }
                long version = rows.getLong(1);
                long creation = rows.getLong(2);
                long access = rows.getLong(3);
                int maxInactive = rows.getInt(4);
                Map<String, byte[]> attributes = new HashMap<>();
                do {
                    String name = rows.getString(5);
                    if (name != null) {
                        attributes.put(name, rows.getBytes(6));
                    }
                } while (rows.next());
                return new StoredSession(id, version, creation, access, maxInactive, attributes);
            }
        });
    }

    @Override
    public long version(String id) {
        SessionId.requireWellFormed(id);
        return inTransaction(id, "version check", connection -> {
            try (PreparedStatement select = prepare(connection, sql.version, webApp, id);
                 ResultSet row = select.executeQuery()) {
                return row.next() ? row.getLong(1) : 0L;
            }
        });
    }

    @Override
    public long save(SessionChange change) {
        String id = SessionId.requireWellFormed(change.id());
        for (String name : change.changed().keySet()) {
            if (name.length() > Dialect.MAX_NAME_LENGTH) {
                throw new SessionStoreException(NAME, id, "attribute name '" + name.substring(0, 40) + "…' has "
                        + name.length() + " characters; the table holds names of at most " + Dialect.MAX_NAME_LENGTH
                        + ": use a shorter name", null);
            }
        }
        long version = inTransaction(id, "save", connection -> saveIn(connection, id, change));
        notices.ifPresent(n -> n.changed(id, true));
        return version;
    }

    private long saveIn(Connection connection, String id, SessionChange change) throws SQLException {
        long expire = expireTime(change.lastAccessedTime(), change.maxInactiveInterval());
        Object[] times = {change.creationTime(), change.lastAccessedTime(), change.maxInactiveInterval(), expire};
        long version = bumpVersion(connection, id, times);
        if (version == 0) {
            try (PreparedStatement lock = prepare(connection, sql.lockRow, webApp, id);
                 ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    // A first save. Two at once: one INSERT fails on the key, and its transaction is tried again.
                    update(connection, sql.insertRow, webApp, id, 1L, times[0], times[1], times[2], times[3], 0);
                } else if (row.getInt(1) == 0) {
                    // Inserted by another save after our UPDATE looked: we hold its lock now.
                    update(connection, sql.bumpVersion, times[0], times[1], times[2], times[3], webApp, id);
                } else if (row.getLong(2) >= clock.millis()) {
                    throw new SessionRemovedException(NAME, id);
                } else {
                    // The tombstone has run out: the id starts over as a new session.
                    update(connection, sql.revive, times[0], times[1], times[2], times[3], webApp, id);
                }
            }
            version = readVersion(connection, id);
        }
        if (!change.removed().isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(sql.deleteAttribute)) {
                for (String name : change.removed()) {
                    bind(delete, webApp, id, name);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
        }
        if (!change.changed().isEmpty()) {
            writeAttributes(connection, id, change.changed());
        }
        return version;
    }

    /**
     * Raises the version of the session's live row, which takes its row lock.
     *
     * @return the new version, or 0 if there is no live row (a first save, or a tombstone)
     */
    private long bumpVersion(Connection connection, String id, Object[] times) throws SQLException {
        if (sql.bumpVersionReturning == null) {
            return update(connection, sql.bumpVersion, times[0], times[1], times[2], times[3], webApp, id) == 0
                    ? 0 : readVersion(connection, id);
        }
        try (PreparedStatement bump = prepare(connection, sql.bumpVersionReturning, times[0], times[1], times[2],
                times[3], webApp, id);
             ResultSet row = bump.executeQuery()) {
            return row.next() ? row.getLong(1) : 0;
        }
    }

    private long readVersion(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = prepare(connection, sql.readVersion, webApp, id);
             ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private void writeAttributes(Connection connection, String id, Map<String, byte[]> changed) throws SQLException {
        if (sql.upsertAttribute != null) {
            try (PreparedStatement upsert = connection.prepareStatement(sql.upsertAttribute)) {
                for (Map.Entry<String, byte[]> attribute : changed.entrySet()) {
                    // setBytes sends the bytes at once: a later write into the caller's array changes nothing here.
                    bind(upsert, webApp, id, attribute.getKey(), attribute.getValue());
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
            return;
        }
        // We hold the session row's lock, so no other writer can insert the row between the two.
        for (Map.Entry<String, byte[]> attribute : changed.entrySet()) {
            if (update(connection, sql.updateAttribute, attribute.getValue(), webApp, id, attribute.getKey()) == 0) {
                update(connection, sql.insertAttribute, webApp, id, attribute.getKey(), attribute.getValue());
            }
        }
    }

    @Override
    public void touch(String id, long lastAccessedTime) {
        SessionId.requireWellFormed(id);
        inTransaction(id, "touch", connection ->
                update(connection, sql.touch, lastAccessedTime, lastAccessedTime, webApp, id));
        // The owner's cached copy must not expire for want of the accesses served here.
        notices.ifPresent(n -> n.changed(id, false));
    }

    @Override
    public void remove(String id) {
        SessionId.requireWellFormed(id);
        inTransaction(id, "remove", connection -> {
            long now = clock.millis();
            try (PreparedStatement lock = prepare(connection, sql.lockRow, webApp, id);
                 ResultSet row = lock.executeQuery()) {
                if (!row.next()) {
                    // Removed before its first save: the tombstone still refuses a save racing this remove.
                    long until = now + sessionTimeoutMillis;
                    update(connection, sql.insertRow, webApp, id, 0L, now, now, 0, until, 1);
                } else {
                    long until = now + Math.max(row.getInt(3) * 1000L, sessionTimeoutMillis);
                    if (row.getInt(1) == 1) {
                        until = Math.max(until, row.getLong(2));
                    }
                    update(connection, sql.markRemoved, until, webApp, id);
                }
            }
            update(connection, sql.deleteAttributes, webApp, id);
            return null;
        });
        notices.ifPresent(n -> n.changed(id, true));
    }

    @Override
    public List<String> sweepExpired(long now) {
        List<String> candidates = inTransaction(null, "sweep", connection -> {
            update(connection, sql.deleteExpiredTombstones, webApp, now);
            List<String> ids = new ArrayList<>();
            try (PreparedStatement select = prepare(connection, sql.expiredIds, webApp, now);
                 ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        });
        // One short transaction per session, locking its row first as a save does: no deadlock with
        // saves, and when every node sweeps, each session is deleted (and reported) by one of them.
        List<String> deleted = new ArrayList<>();
        for (String id : candidates) {
            boolean gone = inTransaction(id, "sweep", connection -> {
                if (update(connection, sql.deleteExpired, webApp, id, now) == 0) {
                    return false;
                }
                update(connection, sql.deleteAttributes, webApp, id);
                return true;
            });
            if (gone) {
                deleted.add(id);
                notices.ifPresent(n -> n.changed(id, false));
            }
        }
        return deleted;
    }

    @Override
    public boolean checkVersionBeforeUse(String id) {
        return notices.isPresent() && notices.get().ownedElsewhere(id);
    }

    @Override
    public String newSessionIdPrefix() {
        return notices.map(ChangeNotices::newSessionIdPrefix).orElse("aa");
    }

    @Override
    public void close() {
        try {
            notices.ifPresent(ChangeNotices::close);
        } finally {
            source.close();
        }
    }

    /** When the sweeper may delete a session last accessed at {@code access}. */
    private long expireTime(long access, int maxInactiveInterval) {
        if (maxIdleMillis != null) {
            return access + maxIdleMillis;
        }
        return maxInactiveInterval > 0 ? access + maxInactiveInterval * 1000L : SessionTableSql.NEVER;
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction and commits it; tries again when it lost a race
     * (a key another transaction inserted first, a deadlock) or when its pooled connection turned
     * out broken before the commit; else throws a SessionStoreException. A failed commit is not
     * tried again: it may have been applied.
     */
    private <T> T inTransaction(String id, String operation, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            boolean brokenBeforeCommit = false;
            try {
                Connection connection = source.connection();
                try {
                    T result;
                    try {
                        result = work.run(connection);
                    } catch (SQLException e) {
                        // A connection left over from a database outage: nothing was written, try another.
                        brokenBeforeCommit = source.discardIfBroken(connection);
                        throw e;
                    }
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection, e);
                    throw e;
                } finally {
                    source.release(connection);
                }
            } catch (SQLException e) {
                if (attempt < ATTEMPTS && (lostARace(e) || brokenBeforeCommit)) {
                    LOG.debug("[{}] {} of session {} lost a race (attempt {}): {}", webApp, operation,
                            SessionStoreException.shorten(id), attempt, e.getMessage());
                    continue;
                }
                throw new SessionStoreException(NAME, id, operation + " failed in " + source.description() + ": "
                        + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
            }
        }
    }

    /** Integrity violations (a duplicate key) and transaction rollbacks (deadlock, serialization). */
    private static boolean lostARace(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sqlException && sqlException.getSQLState() != null) {
                String state = sqlException.getSQLState();
                // 90131: H2's "concurrent update" of one row by two transactions.
                if (state.startsWith("23") || state.startsWith("40") || state.equals("90131")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e); // the connection is likely broken; the pool discards it
        }
    }

    private static PreparedStatement prepare(Connection connection, String statement, Object... parameters)
            throws SQLException {
        PreparedStatement prepared = connection.prepareStatement(statement);
        try {
            bind(prepared, parameters);
            return prepared;
        } catch (SQLException e) {
            prepared.close();
            throw e;
        }
    }

    private static int update(Connection connection, String statement, Object... parameters) throws SQLException {
        try (PreparedStatement prepared = prepare(connection, statement, parameters)) {
            return prepared.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            Object value = parameters[i];
            if (value instanceof String text) {
                statement.setString(i + 1, text);
            } else if (value instanceof Long number) {
                statement.setLong(i + 1, number);
            } else if (value instanceof Integer number) {
                statement.setInt(i + 1, number);
            } else if (value instanceof byte[] bytes) {
                statement.setBytes(i + 1, bytes);
            } else {
                throw new IllegalArgumentException("no binding for parameter " + (i + 1) + " of type "
                        + (value == null ? "null" : value.getClass().getName()));
            }
        }
    }
}
