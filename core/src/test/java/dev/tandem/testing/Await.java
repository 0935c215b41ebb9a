package dev.tandem.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition, polling, instead of sleeping for a guessed time. */
public final class Await {
    private Await() {}

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            }
            // A polling interval, not synchronisation: the condition decides when to go on.
            LockSupport.parkNanos(10_000_000L);
            if (Thread.interrupted()) {
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }
}
