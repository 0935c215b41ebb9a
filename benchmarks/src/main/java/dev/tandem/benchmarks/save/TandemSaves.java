package dev.tandem.benchmarks.save;

import dev.tandem.benchmarks.file.SessionContent;
import dev.tandem.serial.AttributeCodec;
import dev.tandem.serial.ClassFilter;
import dev.tandem.serial.Serialization;
import dev.tandem.session.SessionId;
import dev.tandem.session.spi.SessionChange;
import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A Tandem store's save path as core drives it after a request that changed one attribute: the
 * attribute encoded with the Kryo codec, the delta handed to the store, the store's write.
 */
final class TandemSaves implements Subject {
    static final AttributeCodec CODEC = Serialization.KRYO.codec(TandemSaves.class.getClassLoader(),
            ClassFilter.defaultFilter());
    private final String name;
    private final SessionStore store;
    private final String[] ids;

    TandemSaves(String name, SessionStoreProvider provider, Map<String, String> params, int sessions) {
        this.name = name;
        this.store = open(provider, params);
        this.ids = new String[sessions];
        long now = System.currentTimeMillis();
        for (int i = 0; i < sessions; i++) {
            ids[i] = SessionId.generate("aa");
            store.save(new SessionChange(ids[i], now, now, 1800, encoded(i), Set.of()));
        }
    }

    static SessionStore open(SessionStoreProvider provider, Map<String, String> params) {
        return provider.create(new StoreContext("bench", params, Clock.systemUTC(), Duration.ofMinutes(30),
                TandemSaves.class.getClassLoader()));
    }

    /** Session {@code i}'s attributes, each encoded on its own (about 2 KiB in all). */
    static Map<String, byte[]> encoded(int i) {
        Map<String, byte[]> encoded = new HashMap<>();
        SessionContent.attributes(i).forEach((key, value) -> encoded.put(key, CODEC.encode(key, value)));
        return encoded;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void save(int n) {
        long now = System.currentTimeMillis();
        store.save(new SessionChange(ids[n % ids.length], now, now, 1800,
                Map.of("counter", CODEC.encode("counter", n)), Set.of()));
    }

    SessionStore store() {
        return store;
    }

    String id(int i) {
        return ids[i];
    }

    @Override
    public void close() {
        store.close();
    }
}
