package dev.tandem.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SlotPoolTest {
    @Test
    void anObjectGivenBackIsHandedOutAgainInsteadOfANewOne() {
        AtomicInteger made = new AtomicInteger();
        SlotPool<Object> pool = new SlotPool<>(4, () -> {
            made.incrementAndGet();
            return new Object();
        });
        Object first = pool.obtain();
        pool.free(first);
        assertSame(first, pool.obtain());
        assertEquals(1, made.get());
    }

    @Test
    void anEmptyPoolMakesANewObjectAndAFullOneDropsTheReturnedOne() {
        SlotPool<Object> pool = new SlotPool<>(1, Object::new);
        Object a = pool.obtain();
        Object b = pool.obtain();
        assertNotSame(a, b);
        pool.free(a);
        pool.free(b); // no slot left: dropped
        assertSame(a, pool.obtain());
        assertNotSame(b, pool.obtain());
    }

    @Test
    void noObjectIsHandedToTwoThreadsAtOnce() throws Exception {
        SlotPool<AtomicBoolean> pool = new SlotPool<>(2, AtomicBoolean::new);
        AtomicInteger doubleUses = new AtomicInteger();
        Callable<Void> borrower = () -> {
            for (int i = 0; i < 50_000; i++) {
                AtomicBoolean inUse = pool.obtain();
                if (!inUse.compareAndSet(false, true)) {
                    doubleUses.incrementAndGet();
                }
                inUse.set(false);
                pool.free(inUse);
            }
            return null;
        };
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(threads.submit(borrower));
            }
            for (Future<Void> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(0, doubleUses.get());
    }
}
