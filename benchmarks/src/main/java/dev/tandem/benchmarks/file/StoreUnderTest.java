package dev.tandem.benchmarks.file;

/**
 * One file store driven through its own API, over a fixed set of sessions numbered 0..n-1 that
 * were all saved once before measuring. Each save changes one attribute of a 2 KiB session, as a
 * request that calls setAttribute once does; each load reads a session and deserializes it.
 */
interface StoreUnderTest extends AutoCloseable {

    String name();

    /** Whether {@link #load} is measured for this store (a second configuration of one store loads alike). */
    default boolean loads() {
        return true;
    }

    void save(int session, int counter) throws Exception;

    /** Loads and deserializes session {@code session}; returns something derived from it so the JIT keeps the work. */
    int load(int session) throws Exception;

    @Override
    void close() throws Exception;
}
