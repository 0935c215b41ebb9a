package dev.tandem.benchmarks.file;

import java.nio.file.Path;
import java.util.Collections;
import org.apache.catalina.Session;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.session.FileStore;
import org.apache.catalina.session.PersistentManager;
import org.apache.catalina.session.StandardSession;

/**
 * Tomcat 11's {@code FileStore} through its Store API: {@code save(session)} after one
 * setAttribute, and {@code load(id)}. It rewrites {@code <id>.session} in place with Java
 * serialization on every save; load deserializes it into a new StandardSession.
 */
final class TomcatFileStore implements StoreUnderTest {
    private final FileStore store = new FileStore();
    private final StandardSession[] sessions;

    TomcatFileStore(Path path, int count) throws Exception {
        StandardContext context = new StandardContext();
        context.setName("bench");
        context.setPath("/bench");
        PersistentManager manager = new PersistentManager();
        manager.setContext(context);
        store.setDirectory(path.toAbsolutePath().toString());
        manager.setStore(store);
        sessions = new StandardSession[count];
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            StandardSession session = new StandardSession(manager);
            session.setValid(true);
            session.setCreationTime(now);
            session.setMaxInactiveInterval(SessionContent.MAX_INACTIVE_SECONDS);
            session.setId(Long.toHexString(Double.doubleToLongBits(Math.random())).toUpperCase() + i, false);
            SessionContent.attributes(i).forEach(session::setAttribute);
            store.save(session);
            sessions[i] = session;
        }
    }

    @Override
    public String name() {
        return "Tomcat FileStore";
    }

    @Override
    public void save(int session, int counter) throws Exception {
        StandardSession s = sessions[session];
        s.setAttribute("counter", counter);
        store.save(s);
    }

    @Override
    public int load(int session) throws Exception {
        Session loaded = store.load(sessions[session].getIdInternal());
        return Collections.list(((StandardSession) loaded).getAttributeNames()).size();
    }

    @Override
    public void close() {
        // nothing to release: FileStore keeps no open files
    }
}
