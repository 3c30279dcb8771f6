package io.pktsim.stack.napi;

/** A FIFO of NAPI instances (a {@code list_head} poll list), as an array ring; grows only while building. */
final class NapiList {

    private NapiInstance[] items = new NapiInstance[8];
    private int head;
    private int size;

    void ensureCapacity(final int n) {
        if (n <= items.length) {
            return;
        }
        int cap = items.length;
        while (cap < n) {
            cap *= 2;
        }
        final NapiInstance[] grown = new NapiInstance[cap];
        for (int i = 0; i < size; i++) {
            grown[i] = items[(head + i) & (items.length - 1)];
        }
        items = grown;
        head = 0;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void addTail(final NapiInstance n) {
        if (size == items.length) {
            throw new IllegalStateException("NapiList: " + size + " instances queued, more than were registered");
        }
        items[(head + size) & (items.length - 1)] = n;
        size++;
    }

    NapiInstance removeHead() {
        final NapiInstance n = items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return n;
    }

    NapiInstance get(final int i) {
        return items[(head + i) & (items.length - 1)];
    }

    /** Moves every element of {@code from} to this list's tail ({@code list_splice_tail_init}). */
    void spliceTailFrom(final NapiList from) {
        while (!from.isEmpty()) {
            addTail(from.removeHead());
        }
    }
}
