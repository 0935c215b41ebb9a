package dev.tandem.store.file;

import dev.tandem.session.spi.SessionStore;
import dev.tandem.session.spi.SessionStoreProvider;
import dev.tandem.session.spi.StoreContext;
import java.util.Set;

/**
 * {@code persistent-store=file}: each session in files under {@code path} (its whole record in a
 * base file, and what each later save changed in a delta file), so sessions survive a restart of
 * the server and a crash of its JVM. Params: {@code path} (required, the directory, created
 * owner-only if missing) and {@code fsync} ({@code false} by default; {@code true} forces each save
 * to disk before it is acknowledged, so it also survives a power loss).
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
