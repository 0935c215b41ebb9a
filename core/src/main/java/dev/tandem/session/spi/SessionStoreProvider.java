package dev.tandem.session.spi;

import java.util.Set;

/**
 * Makes the store for one web-app. Registered in
 * {@code META-INF/services/dev.tandem.session.spi.SessionStoreProvider} and chosen by its
 * {@link #name()} through the {@code persistent-store} init-param (or by its class name).
 */
public interface SessionStoreProvider {

    /** The {@code persistent-store} value that selects this store, such as {@code file}. */
    String name();

    /** The init-params this store reads; the filter rejects any param neither it nor the store knows. */
    Set<String> parameterNames();

    /** Makes the store; throws {@link IllegalArgumentException} naming the param when one is wrong. */
    SessionStore create(StoreContext context);
}
