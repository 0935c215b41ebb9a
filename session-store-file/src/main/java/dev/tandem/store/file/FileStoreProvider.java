package dev.tandem.store.file;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import java.util.Set;

/**
 * {@code persistent-store=file}: sessions in an append-only log under {@code path} (a session's
 * whole record as a base, and what each later save changed as a delta), so sessions survive a
 * restart of the server and a crash of its JVM. Params: {@code path} (required, the directory,
 * created owner-only if missing), {@code fsync} ({@code false} by default; {@code true} forces each
 * save to disk before it is acknowledged, so it also survives a power loss; concurrent saves share
 * one flush) and {@code segment-size} ({@code 64m} by default: where the log starts a new file).
 */
public final class FileStoreProvider implements SessionStoreProvider {

    public FileStoreProvider() {}

    @Override
    public String name() {
        return "file";
    }

    @Override
    public Set<String> parameterNames() {
        return FileStoreConfig.PARAMETERS;
    }

    @Override
    public SessionStore create(StoreContext context) {
        return FileStore.open(FileStoreConfig.from(context), context);
    }
}
