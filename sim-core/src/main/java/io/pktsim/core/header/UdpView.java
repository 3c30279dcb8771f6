package io.pktsim.core.header;

import java.nio.ByteOrder;

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

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;

    /**
     * Points the view at a header.
     *
     * @param buffer the bytes
     * @param offset the first header byte
     * @return this view
     */
    public UdpView wrap(final MutableDirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return the source port */
    public int srcPort() {
        return buffer.getShort(offset + SRC_PORT_OFFSET, NET) & 0xFFFF;
    }

    /**
     * @param port the source port
     * @return this view
     */
    public UdpView srcPort(final int port) {
        buffer.putShort(offset + SRC_PORT_OFFSET, (short) port, NET);
        return this;
    }

    /** @return the destination port */
    public int dstPort() {
        return buffer.getShort(offset + DST_PORT_OFFSET, NET) & 0xFFFF;
    }

    /**
     * @param port the destination port
     * @return this view
     */
    public UdpView dstPort(final int port) {
        buffer.putShort(offset + DST_PORT_OFFSET, (short) port, NET);
        return this;
    }

    /** @return the length (header plus payload) in bytes */
    public int length() {
        return buffer.getShort(offset + LENGTH_OFFSET, NET) & 0xFFFF;
    }

    /**
     * @param bytes the length (header plus payload)
     * @return this view
     */
    public UdpView length(final int bytes) {
        buffer.putShort(offset + LENGTH_OFFSET, (short) bytes, NET);
        return this;
    }

    /** @return the checksum field (0: none, IPv4 only) */
    public int checksum() {
        return buffer.getShort(offset + CHECKSUM_OFFSET, NET) & 0xFFFF;
    }

    /**
     * @param check the checksum field
     * @return this view
     */
    public UdpView checksum(final int check) {
        buffer.putShort(offset + CHECKSUM_OFFSET, (short) check, NET);
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
