package dev.tandem.store.file;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for {@code fsync=true}: saves that wait for the disk at the same time share one
 * {@code force()}. Forces run one at a time in numbered rounds; a caller needs the first round that
 * starts after it arrived (the one under way may have begun before its append and not cover it). The
 * first waiter to find no force under way runs the next round for everybody waiting; the others
 * sleep until a round at least as late as theirs has completed. So a save returns only after a force
 * that began after its append, and n concurrent saves cost about two forces instead of n.
 */
final class GroupCommit {
    /** What one round does: force everything written so far. */
    @FunctionalInterface
    interface Force {
        void run() throws IOException;
    }

    private final Force force;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition done = lock.newCondition();
    private long started;
    private long completed;
    private boolean forcing;
    /** The last round whose force failed and why: its waiters fail too, as their appends may not be on disk. */
    private long failedRound;
    private IOException failure;

    GroupCommit(Force force) {
        this.force = force;
    }

    /** Rounds run so far: a force each. */
    long rounds() {
        lock.lock();
        try {
            return completed;
        } finally {
            lock.unlock();
        }
    }

    void await() throws IOException {
        lock.lock();
        try {
            long needed = started + 1;
            while (completed < needed) {
                if (forcing) {
                    done.awaitUninterruptibly();
                    continue;
                }
                forcing = true;
                long round = ++started;
                IOException failed = null;
                lock.unlock();
                try {
                    force.run();
                } catch (IOException e) {
                    failed = e;
                } finally {
                    lock.lock();
                    forcing = false;
                    completed = round;
                    if (failed != null) {
                        failedRound = round;
                        failure = failed;
                    }
                    done.signalAll();
                }
            }
            // A failed round at or after ours: ours may have been the one that failed; say so rather than guess.
            if (failedRound >= needed) {
                throw new IOException("forcing the session log to disk failed: " + failure, failure);
            }
        } finally {
            lock.unlock();
        }
    }
}
