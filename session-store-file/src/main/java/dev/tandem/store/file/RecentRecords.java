package dev.tandem.store.file;

import dev.tandem.session.spi.StoredSession;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The records written most recently, decoded, so that the next save or load of a busy session
 * does not read its base and delta files back (the cluster store loads its disk copy before each
 * save). Only records whose byte arrays belong to the store are kept (never a caller's array, which
 * the caller may still write into), and their arrays are never handed out: a load gets copies.
 * Bounded, least recently used first out.
 */
final class RecentRecords {
    private final Map<String, StoredSession> records;

    RecentRecords(int capacity) {
        this.records = new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, StoredSession> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The record of {@code id} at {@code version}, or {@code null} if it is not kept. */
    synchronized StoredSession get(String id, long version) {
        StoredSession r = records.get(id);
        return r != null && r.version() == version ? r : null;
    }

    synchronized void put(StoredSession record) {
        records.put(record.id(), record);
    }

    synchronized void remove(String id) {
        records.remove(id);
    }
}
