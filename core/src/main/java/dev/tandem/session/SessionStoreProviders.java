package dev.tandem.session;

import dev.tandem.session.spi.SessionStoreProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the store named by {@code persistent-store}: a registered provider's name, or a provider class name. */
final class SessionStoreProviders {
    private SessionStoreProviders() {}

    static SessionStoreProvider find(String name, ClassLoader loader) {
        List<String> available = new ArrayList<>();
        for (SessionStoreProvider provider : ServiceLoader.load(SessionStoreProvider.class, loader)) {
            if (provider.name().equals(name)) {
                return provider;
            }
            available.add(provider.name());
        }
        if (name.contains(".")) {
            try {
                Object provider = Class.forName(name, true, loader).getDeclaredConstructor().newInstance();
                if (provider instanceof SessionStoreProvider p) {
                    return p;
                }
                throw new IllegalArgumentException("persistent-store: " + name + " does not implement "
                        + SessionStoreProvider.class.getName());
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IllegalArgumentException("persistent-store: cannot make provider class " + name + ": " + e, e);
            }
        }
        throw new IllegalArgumentException("persistent-store '" + name + "' is not on the class path; available: "
                + String.join(", ", available) + ". Add the jar of that store (tandem-session-store-" + name
                + ") to the web-app");
    }
}
