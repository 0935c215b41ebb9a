package dev.tandem.serial;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A small lock-free pool: a fixed array of slots, taken and given back by compare-and-set. Kryo's
 * own {@code Pool} is a {@code LinkedBlockingQueue}, which takes a lock on every obtain and free,
 * and often a second one to signal; the codec borrows twice per attribute per round trip. Each
 * thread starts its search at its own slot, so threads rarely contend for one. When every slot is
 * empty a new object is made; when every slot is full a returned object is dropped.
 */
final class SlotPool<T> {
    private final AtomicReferenceArray<T> slots;
    private final Supplier<T> factory;

    SlotPool(int size, Supplier<T> factory) {
        this.slots = new AtomicReferenceArray<>(size);
        this.factory = factory;
    }

    T obtain() {
        int size = slots.length();
        int start = start(size);
        for (int i = 0; i < size; i++) {
            int slot = (start + i) % size;
            T item = slots.get(slot);
            if (item != null && slots.compareAndSet(slot, item, null)) {
                return item;
            }
        }
        return factory.get();
    }

    void free(T item) {
        int size = slots.length();
        int start = start(size);
        for (int i = 0; i < size; i++) {
            int slot = (start + i) % size;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, item)) {
                return;
            }
        }
    }

    private static int start(int size) {
        return (int) (Thread.currentThread().getId() % size);
    }
}
