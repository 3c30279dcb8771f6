package io.pktsim.stack.netdev;

import io.pktsim.core.header.FrameBytes;

/** Moves the 12 MAC address bytes of a frame by a few bytes without allocating (a {@code memmove}). */
final class EtherShift {

    private EtherShift() {
    }

    /**
     * Copies the 12 bytes at {@code from} to {@code to}; the ranges may overlap (both are read before either is
     * written).
     *
     * @param array the buffer's byte array (null off-heap)
     * @param from the first source byte's address from {@link FrameBytes#address}, 12 bytes checked
     * @param to the first destination byte's address from {@link FrameBytes#address}, 12 bytes checked
     */
    static void moveMacs(final byte[] array, final long from, final long to) {
        final long first = FrameBytes.getRawLong(array, from);
        final int last = FrameBytes.getRawInt(array, from + 8);
        FrameBytes.putRawLong(array, to, first);
        FrameBytes.putRawInt(array, to + 8, last);
    }
}
