package dev.tandem.benchmarks.file;

import dev.tandem.serial.AttributeCodec;
import dev.tandem.serial.ClassFilter;
import dev.tandem.serial.Serialization;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.StoreContext;
import dev.tandem.session.spi.StoredSession;
import dev.tandem.store.file.FileStoreProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Tandem's file store as core drives it: a save encodes the one changed attribute with the Kryo
 * codec and hands the store that delta; a load reads the record and decodes every attribute.
 */
final class TandemFileStore implements StoreUnderTest {
    private final String name;
    private final boolean fsync;
    private final SessionStore store;
    private final AttributeCodec codec = Serialization.KRYO.codec(getClass().getClassLoader(), ClassFilter.defaultFilter());
    private final String[] ids;

    TandemFileStore(String name, Path path, boolean fsync, int sessions) {
        this.name = name;
        this.fsync = fsync;
        this.store = open(path, fsync);
        this.ids = new String[sessions];
        long now = System.currentTimeMillis();
        for (int i = 0; i < sessions; i++) {
            ids[i] = SessionId.generate("aa");
            Map<String, byte[]> encoded = new HashMap<>();
            SessionContent.attributes(i).forEach((key, value) -> encoded.put(key, codec.encode(key, value)));
            store.save(new SessionChange(ids[i], now, now, SessionContent.MAX_INACTIVE_SECONDS, encoded, Set.of()));
        }
    }

    static SessionStore open(Path path, boolean fsync) {
        return new FileStoreProvider().create(new StoreContext("bench",
                Map.of("path", path.toString(), "fsync", String.valueOf(fsync)), Clock.systemUTC(),
                Duration.ofMinutes(30), TandemFileStore.class.getClassLoader()));
    }

    @Override
    public boolean loads() {
        return !fsync;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void save(int session, int counter) {
        long now = System.currentTimeMillis();
        store.save(new SessionChange(ids[session], now, now, SessionContent.MAX_INACTIVE_SECONDS,
                Map.of("counter", codec.encode("counter", counter)), Set.of()));
    }

    @Override
    public int load(int session) {
        StoredSession stored = store.load(ids[session]);
        int sum = 0;
        for (Map.Entry<String, byte[]> attribute : stored.attributes().entrySet()) {
            sum += codec.decode(attribute.getKey(), attribute.getValue()).hashCode();
        }
        return sum;
    }

    @Override
    public void close() {
        store.close();
    }
}
