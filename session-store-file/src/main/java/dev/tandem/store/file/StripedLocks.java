package dev.tandem.store.file;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of locks, one chosen per session id: saves of one session are serialized, while
 * different sessions almost always get different locks and proceed in parallel, without a lock
 * object per session to create and clean up.
 */
final class StripedLocks {
    private final ReentrantLock[] locks;

    StripedLocks(int stripes) {
        if (Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two, got " + stripes);
        }
        locks = new ReentrantLock[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    ReentrantLock forId(String id) {
        int h = id.hashCode();
        return locks[(h ^ (h >>> 16)) & (locks.length - 1)];
    }
}
