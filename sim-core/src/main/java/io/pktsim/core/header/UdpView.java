package io.pktsim.core.header;


import org.agrona.MutableDirectBuffer;

/**
 * A UDP header (RFC 768), 8 bytes.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          Source Port          |       Destination Port        |
 *  +-------------------------------+-------------------------------+
 *  |            Length             |           Checksum            |
 *  +-------------------------------+-------------------------------+
 * </pre>
 */
public final class UdpView {

    /** Header length in bytes. */
    public static final int LENGTH = 8;
    /** Offset of the source port. */
    public static final int SRC_PORT_OFFSET = 0;
    /** Offset of the destination port. */
    public static final int DST_PORT_OFFSET = 2;
    /** Offset of the length. */
    public static final int LENGTH_OFFSET = 4;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 6;


    private MutableDirectBuffer buffer;
    private int offset;
    /** The buffer's byte array (null off-heap) and the address of the header's first byte, checked at wrap. */
    private byte[] array;
    private long address;

    /**
     * Points the view at a header.
     *
     * @param buffer the bytes
     * @param offset the first header byte
     * @return this view
     * @throws IndexOutOfBoundsException if the header's {@link #LENGTH} bytes are not all inside the buffer
     *     (checked once here; the fixed fields are then read without a check of their own)
     */
    public UdpView wrap(final MutableDirectBuffer buffer, final int offset) {
        this.address = FrameBytes.address(buffer, offset, LENGTH);
        this.array = buffer.byteArray();
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return the source port */
    public int srcPort() {
        return FrameBytes.getShort(array, address + SRC_PORT_OFFSET) & 0xFFFF;
    }

    /**
     * @param port the source port
     * @return this view
     */
    public UdpView srcPort(final int port) {
        FrameBytes.putShort(array, address + SRC_PORT_OFFSET, (short) port);
        return this;
    }

    /** @return the destination port */
    public int dstPort() {
        return FrameBytes.getShort(array, address + DST_PORT_OFFSET) & 0xFFFF;
    }

    /**
     * @param port the destination port
     * @return this view
     */
    public UdpView dstPort(final int port) {
        FrameBytes.putShort(array, address + DST_PORT_OFFSET, (short) port);
        return this;
    }

    /** @return the length (header plus payload) in bytes */
    public int length() {
        return FrameBytes.getShort(array, address + LENGTH_OFFSET) & 0xFFFF;
    }

    /**
     * @param bytes the length (header plus payload)
     * @return this view
     */
    public UdpView length(final int bytes) {
        FrameBytes.putShort(array, address + LENGTH_OFFSET, (short) bytes);
        return this;
    }

    /** @return the checksum field (0: none, IPv4 only) */
    public int checksum() {
        return FrameBytes.getShort(array, address + CHECKSUM_OFFSET) & 0xFFFF;
    }

    /**
     * @param check the checksum field
     * @return this view
     */
    public UdpView checksum(final int check) {
        FrameBytes.putShort(array, address + CHECKSUM_OFFSET, (short) check);
        return this;
    }

    /**
     * Describes the header in text.
     *
     * @param sb where to write
     * @return sb
     */
    public StringBuilder describe(final StringBuilder sb) {
        return sb.append("UDP ").append(srcPort()).append(" > ").append(dstPort()).append(" len ").append(length())
            .append(" cksum 0x").append(Integer.toHexString(checksum()));
    }
}
