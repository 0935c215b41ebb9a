package dev.tandem.store.file;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes of the records written most recently, so that the next save of a busy session applies
 * its delta without reading the file back (a third of a save's time). Only the store's own arrays
 * are kept, never a caller's; decoding them makes fresh ones. Bounded, least recently used first out.
 */
final class RecentRecords {
    private record Record(long version, byte[] bytes) {}

    private final Map<String, Record> records;

    RecentRecords(int capacity) {
        this.records = new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The bytes of {@code id} at {@code version}, or {@code null} if they are not kept. */
    synchronized byte[] get(String id, long version) {
        Record r = records.get(id);
        return r != null && r.version == version ? r.bytes : null;
    }

    synchronized void put(String id, long version, byte[] bytes) {
        records.put(id, new Record(version, bytes));
    }

    synchronized void remove(String id) {
        records.remove(id);
    }
}
