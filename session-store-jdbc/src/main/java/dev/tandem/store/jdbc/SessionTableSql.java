package dev.tandem.store.jdbc;

/**
 * The SQL the store runs, built once from the checked table name (the only value ever
 * concatenated into a statement; everything else is a parameter).
 *
 * <p>A row of {@code <table>} is a live session ({@code removed = 0}) or a tombstone
 * ({@code removed = 1}). {@code expire_time} is when the sweeper may delete the row: the last
 * access plus the idle time for a session, the end of the tombstone for a removed one.
 */
final class SessionTableSql {
    /** The expire_time of a session that never expires. */
    static final long NEVER = Long.MAX_VALUE;

    final String version;
    final String load;
    final String bumpVersion;
    /** {@link #bumpVersion} answering the new version; null if the dialect has no such form. */
    final String bumpVersionReturning;
    final String lockRow;
    final String revive;
    final String insertRow;
    final String readVersion;
    final String deleteAttribute;
    final String upsertAttribute;
    final String updateAttribute;
    final String insertAttribute;
    final String deleteAttributes;
    final String touch;
    final String markRemoved;
    final String deleteExpiredTombstones;
    final String expiredIds;
    final String deleteExpired;
    final String checkColumns;

    SessionTableSql(String table, String attributes, Dialect dialect) {
        String key = " WHERE web_app = ? AND id = ?";
        version = "SELECT version FROM " + table + key + " AND removed = 0";
        // One statement, so the version and the attributes come from one snapshot.
        load = "SELECT s.version, s.creation_time, s.access_time, s.max_inactive, a.name, a.data FROM " + table + " s"
                + " LEFT JOIN " + attributes + " a ON a.web_app = s.web_app AND a.id = s.id"
                + " WHERE s.web_app = ? AND s.id = ? AND s.removed = 0";
        // Takes the row lock that orders every write of one session; params: times, then the key.
        bumpVersion = "UPDATE " + table + " SET version = version + 1, creation_time = ?, access_time = ?,"
                + " max_inactive = ?, expire_time = ?" + key + " AND removed = 0";
        bumpVersionReturning = dialect.returningVersion(bumpVersion);
        lockRow = "SELECT removed, expire_time, max_inactive FROM " + table + key + " FOR UPDATE";
        revive = "UPDATE " + table + " SET version = 1, creation_time = ?, access_time = ?, max_inactive = ?,"
                + " expire_time = ?, removed = 0" + key;
        insertRow = "INSERT INTO " + table + " (web_app, id, version, creation_time, access_time, max_inactive,"
                + " expire_time, removed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        readVersion = "SELECT version FROM " + table + key;
        deleteAttribute = "DELETE FROM " + attributes + key + " AND name = ?";
        upsertAttribute = dialect.upsertAttribute(attributes);
        updateAttribute = "UPDATE " + attributes + " SET data = ?" + key + " AND name = ?";
        insertAttribute = "INSERT INTO " + attributes + " (web_app, id, name, data) VALUES (?, ?, ?, ?)";
        deleteAttributes = "DELETE FROM " + attributes + key;
        // Moves expire_time by as much as the access time moves, so the idle time stays what the
        // last save set, with no arithmetic on the INTEGER max_inactive. expire_time is assigned
        // first: MariaDB applies SET clauses left to right, and must see the old access_time.
        touch = "UPDATE " + table + " SET expire_time = CASE WHEN expire_time = " + NEVER
                + " THEN expire_time ELSE expire_time + (? - access_time) END, access_time = ?" + key + " AND removed = 0";
        markRemoved = "UPDATE " + table + " SET removed = 1, version = 0, expire_time = ?" + key;
        deleteExpiredTombstones = "DELETE FROM " + table + " WHERE web_app = ? AND expire_time < ? AND removed = 1";
        expiredIds = "SELECT id FROM " + table + " WHERE web_app = ? AND expire_time < ? AND removed = 0";
        // Checked again by the DELETE itself, so that a save or touch that raced the sweep keeps its session.
        deleteExpired = "DELETE FROM " + table + key + " AND expire_time < ? AND removed = 0";
        checkColumns = "SELECT s.web_app, s.id, s.version, s.creation_time, s.access_time, s.max_inactive,"
                + " s.expire_time, s.removed, a.name, a.data FROM " + table + " s, " + attributes + " a WHERE 1 = 0";
    }
}
