package io.pktsim.stack.netdev;

import org.agrona.MutableDirectBuffer;

/** Moves the 12 MAC address bytes of a frame by a few bytes without allocating (a {@code memmove}). */
final class EtherShift {

    private EtherShift() {
    }

    /**
     * Copies the 12 bytes at {@code from} to {@code to}; the ranges may overlap.
     *
     * @param b the buffer
     * @param from first source byte
     * @param to first destination byte
     */
    static void moveMacs(final MutableDirectBuffer b, final int from, final int to) {
        final long first = b.getLong(from);
        final int last = b.getInt(from + 8);
        b.putLong(to, first);
        b.putInt(to + 8, last);
    }
}
