package io.pktsim.core.header;

import java.nio.ByteOrder;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;

/**
 * Frame bytes in network byte order with one range check per header instead of one per field: {@link #address}
 * checks a header's whole range against the buffer once, with Agrona's own {@link DirectBuffer#boundsCheck} (so a
 * range outside the buffer throws the same {@link IndexOutOfBoundsException} a per-field Agrona access would), and
 * returns the address of its first byte; the accessors then read and write fields at that address plus the
 * field's offset with {@link UnsafeApi}, without a check of their own. The same guarantee as Agrona's per-access
 * check, paid once, as {@code PacketStore} does for a slot's metadata.
 *
 * <p>A caller may only pass an address from {@link #address} plus an offset inside the length it checked, with the
 * buffer's {@link DirectBuffer#byteArray()} (null for off-heap memory). Allocation-free.
 */
public final class FrameBytes {

    private static final boolean SWAP = ByteOrder.nativeOrder() != ByteOrder.BIG_ENDIAN;

    private FrameBytes() {
    }

    /**
     * Checks that {@code length} bytes at {@code index} lie inside the buffer and returns the address of the first,
     * for the accessors of this class with {@code buffer.byteArray()}.
     *
     * @param buffer the buffer
     * @param index the first byte's index in the buffer
     * @param length the bytes the caller will access from there
     * @return the address of byte {@code index}
     * @throws IndexOutOfBoundsException if the range is not inside the buffer
     */
    public static long address(final DirectBuffer buffer, final int index, final int length) {
        buffer.boundsCheck(index, length);
        return buffer.addressOffset() + index;
    }

    /**
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @return the byte
     */
    public static byte getByte(final byte[] array, final long at) {
        return UnsafeApi.getByte(array, at);
    }

    /**
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @param value the byte
     */
    public static void putByte(final byte[] array, final long at, final byte value) {
        UnsafeApi.putByte(array, at, value);
    }

    /**
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @return the 16-bit value in network byte order
     */
    public static short getShort(final byte[] array, final long at) {
        final short v = UnsafeApi.getShort(array, at);
        return SWAP ? Short.reverseBytes(v) : v;
    }

    /**
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @param value the 16-bit value, written in network byte order
     */
    public static void putShort(final byte[] array, final long at, final short value) {
        UnsafeApi.putShort(array, at, SWAP ? Short.reverseBytes(value) : value);
    }

    /**
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @return the 32-bit value in network byte order
     */
    public static int getInt(final byte[] array, final long at) {
        final int v = UnsafeApi.getInt(array, at);
        return SWAP ? Integer.reverseBytes(v) : v;
    }

    /**
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @param value the 32-bit value, written in network byte order
     */
    public static void putInt(final byte[] array, final long at, final int value) {
        UnsafeApi.putInt(array, at, SWAP ? Integer.reverseBytes(value) : value);
    }

    /**
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @return the 64-bit value in network byte order
     */
    public static long getLong(final byte[] array, final long at) {
        final long v = UnsafeApi.getLong(array, at);
        return SWAP ? Long.reverseBytes(v) : v;
    }

    /**
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @param value the 64-bit value, written in network byte order
     */
    public static void putLong(final byte[] array, final long at, final long value) {
        UnsafeApi.putLong(array, at, SWAP ? Long.reverseBytes(value) : value);
    }

    /**
     * Eight bytes as they lie in memory (native byte order), for copying bytes, not for reading a field.
     *
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @return the bytes
     */
    public static long getRawLong(final byte[] array, final long at) {
        return UnsafeApi.getLong(array, at);
    }

    /**
     * Eight bytes as {@link #getRawLong} read them.
     *
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @param value the bytes
     */
    public static void putRawLong(final byte[] array, final long at, final long value) {
        UnsafeApi.putLong(array, at, value);
    }

    /**
     * Four bytes as they lie in memory (native byte order), for copying bytes.
     *
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @return the bytes
     */
    public static int getRawInt(final byte[] array, final long at) {
        return UnsafeApi.getInt(array, at);
    }

    /**
     * Four bytes as {@link #getRawInt} read them.
     *
     * @param array the buffer's byte array (null off-heap)
     * @param at an address from {@link #address} plus an offset inside the checked range
     * @param value the bytes
     */
    public static void putRawInt(final byte[] array, final long at, final int value) {
        UnsafeApi.putInt(array, at, value);
    }
}
