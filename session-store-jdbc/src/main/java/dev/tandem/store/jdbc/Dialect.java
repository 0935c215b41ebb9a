package dev.tandem.store.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * What differs between databases: the binary column type, the text columns' collation, how the
 * tables are created and the native upsert of an attribute row. Detected from the connection's
 * {@link DatabaseMetaData}; a database we do not know gets portable SQL.
 */
enum Dialect {
    /**
     * VARBINARY rather than BLOB: H2 keeps it inline in the row, 3.7x faster to write and without
     * the separate LOB storage that bloats the file.
     */
    H2("VARBINARY(1000000000)", "", "", "") {
        @Override
        String upsertAttribute(String table) {
            return "MERGE INTO " + table + " (web_app, id, name, data) KEY (web_app, id, name) VALUES (?, ?, ?, ?)";
        }

        @Override
        String returningVersion(String update) {
            return "SELECT version FROM FINAL TABLE (" + update + ")";
        }
    },
    POSTGRESQL("BYTEA", "", "", "") {
        @Override
        String upsertAttribute(String table) {
            return "INSERT INTO " + table + " (web_app, id, name, data) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (web_app, id, name) DO UPDATE SET data = EXCLUDED.data";
        }

        @Override
        String returningVersion(String update) {
            return update + " RETURNING version";
        }
    },
    /**
     * Binary collations: MariaDB compares text case-insensitively by default, which would make ids
     * {@code aaX...} and {@code aax...} the same key. NO PAD, so that names differing only in
     * trailing spaces stay apart.
     */
    MARIADB("LONGBLOB", " CHARACTER SET ascii COLLATE ascii_bin",
            " CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin", " ENGINE=InnoDB") {
        @Override
        String upsertAttribute(String table) {
            return mysqlUpsert(table);
        }
    },
    /** As MariaDB; MySQL has no utf8mb4_nopad_bin (trailing spaces of attribute names are ignored there). */
    MYSQL("LONGBLOB", " CHARACTER SET ascii COLLATE ascii_bin",
            " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", " ENGINE=InnoDB") {
        @Override
        String upsertAttribute(String table) {
            return mysqlUpsert(table);
        }
    },
    /** Any other database: no IF NOT EXISTS, and an update-then-insert in place of an upsert. */
    PORTABLE("BLOB", "", "", "") {
        @Override
        String upsertAttribute(String table) {
            return null;
        }
    };

    /** Longest attribute name a row can hold; the key (web_app, id, name) must fit MariaDB's 3072-byte index limit. */
    static final int MAX_NAME_LENGTH = 400;

    final String binaryType;
    private final String asciiColumn;
    private final String nameColumn;
    private final String tableOptions;

    Dialect(String binaryType, String asciiColumn, String nameColumn, String tableOptions) {
        this.binaryType = binaryType;
        this.asciiColumn = asciiColumn;
        this.nameColumn = nameColumn;
        this.tableOptions = tableOptions;
    }

    static Dialect of(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (product.contains("h2")) {
            return H2;
        }
        if (product.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (product.contains("mariadb")) {
            return MARIADB;
        }
        if (product.contains("mysql")) {
            // MariaDB servers reached through MySQL's driver report MySQL with a MariaDB version.
            return metaData.getDatabaseProductVersion().toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
        }
        return PORTABLE;
    }

    /**
     * An upsert of one attribute row with parameters (web_app, id, name, data), or {@code null}
     * when the database has none we know (then an UPDATE, and an INSERT if it changed nothing).
     * Always run while holding the session row's lock, so no other writer races it.
     */
    abstract String upsertAttribute(String table);

    /**
     * {@code update} of one session row as a query that answers the row's new version, saving the
     * separate read of it (a round trip per save); null where the database has no such form
     * (MariaDB and MySQL have no UPDATE ... RETURNING).
     */
    String returningVersion(String update) {
        return null;
    }

    private static String mysqlUpsert(String table) {
        return "INSERT INTO " + table + " (web_app, id, name, data) VALUES (?, ?, ?, ?)"
                + " ON DUPLICATE KEY UPDATE data = VALUES(data)";
    }

    /** The statements that create the tables and the sweep's index when they are missing. */
    List<String> createTables(String table, String attributeTable, String blobType) {
        String ifNotExists = this == PORTABLE ? "" : "IF NOT EXISTS ";
        boolean inlineIndex = this == MARIADB || this == MYSQL; // MySQL has no CREATE INDEX IF NOT EXISTS
        String sessions = "CREATE TABLE " + ifNotExists + table + " ("
                + "web_app VARCHAR(200)" + asciiColumn + " NOT NULL, "
                + "id VARCHAR(24)" + asciiColumn + " NOT NULL, "
                + "version BIGINT NOT NULL, "
                + "creation_time BIGINT NOT NULL, "
                + "access_time BIGINT NOT NULL, "
                + "max_inactive INTEGER NOT NULL, "
                + "expire_time BIGINT NOT NULL, "
                + "removed SMALLINT NOT NULL, "
                + "PRIMARY KEY (web_app, id)"
                + (inlineIndex ? ", INDEX " + table + "_expire (web_app, expire_time)" : "")
                + ")" + tableOptions;
        String attributes = "CREATE TABLE " + ifNotExists + attributeTable + " ("
                + "web_app VARCHAR(200)" + asciiColumn + " NOT NULL, "
                + "id VARCHAR(24)" + asciiColumn + " NOT NULL, "
                + "name VARCHAR(" + MAX_NAME_LENGTH + ")" + nameColumn + " NOT NULL, "
                + "data " + blobType + " NOT NULL, "
                + "PRIMARY KEY (web_app, id, name))" + tableOptions;
        if (inlineIndex) {
            return List.of(sessions, attributes);
        }
        String index = "CREATE INDEX " + ifNotExists + table + "_expire ON " + table + " (web_app, expire_time)";
        return List.of(sessions, index, attributes);
    }
}
