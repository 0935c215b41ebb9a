package dev.tandem.examples.counter;

import java.io.Serializable;

/** A hit counter kept in the session and mutated in place, as in Resin's Counter example. */
public final class Counter implements Serializable {
    private static final long serialVersionUID = 1L;
    private int count;

    public synchronized int increment() {
        return ++count;
    }
}
