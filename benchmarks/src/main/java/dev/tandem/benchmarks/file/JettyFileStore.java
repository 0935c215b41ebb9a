package dev.tandem.benchmarks.file;

import java.nio.file.Path;
import org.eclipse.jetty.session.FileSessionDataStore;
import org.eclipse.jetty.session.SessionContext;
import org.eclipse.jetty.session.SessionData;

/**
 * Jetty 12's {@code FileSessionDataStore} through its SessionDataStore API: {@code store(id, data)}
 * after one setAttribute, and {@code load(id)}. It writes the whole session with Java
 * serialization on every save (deleting the old file first); load deserializes it.
 */
final class JettyFileStore implements StoreUnderTest {
    private final FileSessionDataStore store = new FileSessionDataStore();
    private final SessionData[] sessions;

    /** A context without a server: what the store reads from it is its path, vhost and worker name. */
    private static final class BenchmarkContext extends SessionContext {
        BenchmarkContext() {
            _workerName = "node0";
            _canonicalContextPath = "bench";
            _vhost = NULL_VHOST;
        }
    }

    JettyFileStore(Path path, int count) throws Exception {
        store.setStoreDir(path.toFile());
        store.initialize(new BenchmarkContext());
        store.start();
        sessions = new SessionData[count];
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            String id = "node0" + Long.toHexString(Double.doubleToLongBits(Math.random())) + i;
            SessionData data = store.newSessionData(id, now, now, now, SessionContent.MAX_INACTIVE_SECONDS * 1000L);
            data.setLastNode("node0");
            data.setExpiry(now + SessionContent.MAX_INACTIVE_SECONDS * 1000L);
            data.putAllAttributes(SessionContent.attributes(i));
            store.store(id, data);
            sessions[i] = data;
        }
    }

    @Override
    public String name() {
        return "Jetty FileSessionDataStore";
    }

    @Override
    public void save(int session, int counter) throws Exception {
        SessionData data = sessions[session];
        data.setAttribute("counter", counter);
        store.store(data.getId(), data);
    }

    @Override
    public int load(int session) throws Exception {
        SessionData data = store.load(sessions[session].getId());
        return data.getAllAttributes().hashCode();
    }

    @Override
    public void close() throws Exception {
        store.stop();
    }
}
