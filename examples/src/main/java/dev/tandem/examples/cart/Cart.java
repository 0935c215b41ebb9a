package dev.tandem.examples.cart;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The shopping cart kept in the session. */
public final class Cart implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<String> items = new ArrayList<>();

    public synchronized void add(String item) {
        items.add(item);
    }

    public synchronized List<String> items() {
        return List.copyOf(items);
    }
}
