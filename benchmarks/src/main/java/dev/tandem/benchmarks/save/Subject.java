package dev.tandem.benchmarks.save;

/** One thing whose saves are timed: a Tandem store's save path, or the raw operation under it. */
interface Subject extends AutoCloseable {
    String name();

    /** The {@code n}-th save (of session {@code n % sessions}). */
    void save(int n) throws Exception;

    @Override
    void close() throws Exception;
}
