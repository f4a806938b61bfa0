package io.pgset.local.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last {@code capacity} values added, oldest first: the newest replaces the oldest once it is
 * full. Not thread-safe; its owner guards it.
 */
final class Ring<T> {

    private final Object[] items;
    private int next;
    private int size;

    Ring(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a ring holds at least one value, asked for " + capacity);
        }
        this.items = new Object[capacity];
    }

    void add(T item) {
        items[next] = item;
        next = (next + 1) % items.length;
        size = Math.min(size + 1, items.length);
    }

    int size() {
        return size;
    }

    Optional<T> newest() {
        return size == 0 ? Optional.empty() : Optional.of(at(size - 1));
    }

    /** Every value held, oldest first. */
    List<T> toList() {
        List<T> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(at(i));
        }
        return all;
    }

    /** The i-th held value, 0 being the oldest. */
    @SuppressWarnings("unchecked")
    private T at(int i) {
        int oldest = size < items.length ? 0 : next;
        return (T) items[(oldest + i) % items.length];
    }
}
