package io.pktsim.core.header;


import org.agrona.MutableDirectBuffer;

/**
 * An 802.1Q tag as it follows the MAC addresses, 4 bytes: the tag control information and the
 * encapsulated ethertype (the TPID 0x8100 is the ethertype field of the preceding header).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-----+-+-----------------------+-------------------------------+
 *  | PCP |D|      VLAN ID (12)     |    encapsulated ethertype     |
 *  +-----+-+-----------------------+-------------------------------+
 * </pre>
 */
public final class VlanView {

    /** Tag length in bytes. */
    public static final int LENGTH = 4;
    /** Offset of the TCI. */
    public static final int TCI_OFFSET = 0;
    /** Offset of the encapsulated ethertype. */
    public static final int ETHERTYPE_OFFSET = 2;


    private MutableDirectBuffer buffer;
    private int offset;
    /** The buffer's byte array (null off-heap) and the address of the header's first byte, checked at wrap. */
    private byte[] array;
    private long address;

    /**
     * Points the view at a tag.
     *
     * @param buffer the bytes
     * @param offset the first tag byte (after the 0x8100 TPID)
     * @return this view
     * @throws IndexOutOfBoundsException if the header's {@link #LENGTH} bytes are not all inside the buffer
     *     (checked once here; the fixed fields are then read without a check of their own)
     */
    public VlanView wrap(final MutableDirectBuffer buffer, final int offset) {
        this.address = FrameBytes.address(buffer, offset, LENGTH);
        this.array = buffer.byteArray();
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return the tag control information */
    public int tci() {
        return FrameBytes.getShort(array, address + TCI_OFFSET) & 0xFFFF;
    }

    /** @return the 12-bit VLAN id */
    public int vlanId() {
        return tci() & 0x0FFF;
    }

    /** @return the 3-bit priority code point */
    public int priority() {
        return tci() >>> 13;
    }

    /**
     * @param pcp priority (0..7)
     * @param vid VLAN id (0..4095)
     * @return this view
     */
    public VlanView tci(final int pcp, final int vid) {
        FrameBytes.putShort(array, address + TCI_OFFSET, (short) (((pcp & 7) << 13) | (vid & 0x0FFF)));
        return this;
    }

    /** @return the encapsulated ethertype */
    public int ethertype() {
        return FrameBytes.getShort(array, address + ETHERTYPE_OFFSET) & 0xFFFF;
    }

    /**
     * @param type the encapsulated ethertype
     * @return this view
     */
    public VlanView ethertype(final int type) {
        FrameBytes.putShort(array, address + ETHERTYPE_OFFSET, (short) type);
        return this;
    }

    /**
     * Describes the tag in text.
     *
     * @param sb where to write
     * @return sb
     */
    public StringBuilder describe(final StringBuilder sb) {
        return sb.append("802.1Q vlan ").append(vlanId()).append(" pcp ").append(priority())
            .append(" type 0x").append(String.format("%04x", ethertype()));
    }
}
