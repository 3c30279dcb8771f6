package io.pktsim.core.header;


import org.agrona.MutableDirectBuffer;

/**
 * An Ethernet II header (IEEE 802.3), 14 bytes.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                    destination MAC (48 bits)                  |
 *  +                               +-------------------------------+
 *  |                               |                               |
 *  +-------------------------------+                               +
 *  |                      source MAC (48 bits)                     |
 *  +-------------------------------+-------------------------------+
 *  |           ethertype           |
 *  +-------------------------------+
 * </pre>
 */
public final class EthernetView {

    /** Header length in bytes. */
    public static final int LENGTH = 14;
    /** Offset of the destination MAC. */
    public static final int DST_OFFSET = 0;
    /** Offset of the source MAC. */
    public static final int SRC_OFFSET = 6;
    /** Offset of the ethertype. */
    public static final int ETHERTYPE_OFFSET = 12;

    /** Ethertype of IPv4. */
    public static final int ETHERTYPE_IPV4 = 0x0800;
    /** Ethertype of ARP. */
    public static final int ETHERTYPE_ARP = 0x0806;
    /** Ethertype of an 802.1Q tag. */
    public static final int ETHERTYPE_VLAN = 0x8100;
    /** Ethertype of an 802.1ad (QinQ) tag. */
    public static final int ETHERTYPE_QINQ = 0x88A8;
    /** Ethertype of IPv6. */
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    /** Ethertype of PPPoE discovery. */
    public static final int ETHERTYPE_PPPOE_DISCOVERY = 0x8863;
    /** Ethertype of a PPPoE session. */
    public static final int ETHERTYPE_PPPOE_SESSION = 0x8864;
    /** The broadcast MAC address as a 48-bit value. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;


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
    public EthernetView wrap(final MutableDirectBuffer buffer, final int offset) {
        this.address = FrameBytes.address(buffer, offset, LENGTH);
        this.array = buffer.byteArray();
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return the offset of the header in its buffer */
    public int offset() {
        return offset;
    }

    private long mac(final int field) {
        final long at = address + field;
        return ((FrameBytes.getShort(array, at) & 0xFFFFL) << 32) | (FrameBytes.getInt(array, at + 2) & 0xFFFFFFFFL);
    }

    /** @return the destination MAC as a 48-bit value */
    public long dst() {
        return mac(DST_OFFSET);
    }

    /**
     * @param mac the destination MAC as a 48-bit value
     * @return this view
     */
    public EthernetView dst(final long mac) {
        // one 8-byte store over the destination and the source's first two bytes (rewritten as they are): see src
        final long v = FrameBytes.getLong(array, address);
        FrameBytes.putLong(array, address, (mac << 16) | (v & 0xFFFFL));
        return this;
    }

    /** @return the source MAC as a 48-bit value */
    public long src() {
        return mac(SRC_OFFSET);
    }

    /**
     * Both addresses at once, what {@code dst(dst).src(src)} writes, without reading the header first: the first 8
     * bytes (the destination and the source's first two) in one store and the source's last 4 in another, the
     * stores {@link #src(long)} leaves.
     *
     * @param dst the destination MAC as a 48-bit value
     * @param src the source MAC as a 48-bit value
     * @return this view
     */
    public EthernetView addresses(final long dst, final long src) {
        FrameBytes.putLong(array, address, (dst << 16) | ((src >>> 32) & 0xFFFFL));
        FrameBytes.putInt(array, address + SRC_OFFSET + 2, (int) src);
        return this;
    }

    /**
     * @param mac the source MAC as a 48-bit value
     * @return this view
     */
    public EthernetView src(final long mac) {
        // the first 8 header bytes in one store and the last 4 source bytes in another: a following 8-byte and 4-byte
        // read of the 12 MAC bytes (a VLAN tag pushed in front, EtherShift) is then served by the CPU from these
        // two stores still in its store buffer, where a read that spans several narrower stores has to wait for
        // them to reach the cache (a failed store-to-load forward)
        final long v = FrameBytes.getLong(array, address);
        FrameBytes.putLong(array, address, (v & 0xFFFF_FFFF_FFFF_0000L) | ((mac >>> 32) & 0xFFFFL));
        FrameBytes.putInt(array, address + SRC_OFFSET + 2, (int) mac);
        return this;
    }

    /** @return the ethertype */
    public int ethertype() {
        return FrameBytes.getShort(array, address + ETHERTYPE_OFFSET) & 0xFFFF;
    }

    /**
     * @param type the ethertype
     * @return this view
     */
    public EthernetView ethertype(final int type) {
        FrameBytes.putShort(array, address + ETHERTYPE_OFFSET, (short) type);
        return this;
    }

    /**
     * Writes a whole header at an address without a view: what {@code addresses(dst, src).ethertype(type)} of a view
     * wrapped there writes, store for store (for a caller that has the header's address from a check of its own, as
     * {@code PacketStore.pushAddress} gives).
     *
     * @param array the buffer's byte array (null off-heap)
     * @param at the header's address, {@link #LENGTH} bytes checked ({@link FrameBytes#address})
     * @param dst the destination MAC as a 48-bit value
     * @param src the source MAC as a 48-bit value
     * @param type the ethertype
     */
    public static void write(final byte[] array, final long at, final long dst, final long src, final int type) {
        FrameBytes.putLong(array, at, (dst << 16) | ((src >>> 32) & 0xFFFFL));
        FrameBytes.putInt(array, at + SRC_OFFSET + 2, (int) src);
        FrameBytes.putShort(array, at + ETHERTYPE_OFFSET, (short) type);
    }

    /** @return whether the destination is a group (broadcast or multicast) address */
    public boolean isMulticast() {
        return (FrameBytes.getByte(array, address + DST_OFFSET) & 1) != 0;
    }

    /**
     * Formats a MAC address.
     *
     * @param mac a 48-bit value
     * @param sb where to write
     * @return sb
     */
    public static StringBuilder formatMac(final long mac, final StringBuilder sb) {
        for (int i = 5; i >= 0; i--) {
            final int b = (int) (mac >>> (8 * i)) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb;
    }

    /**
     * Describes the header in text.
     *
     * @param sb where to write
     * @return sb
     */
    public StringBuilder describe(final StringBuilder sb) {
        sb.append("Ethernet ");
        formatMac(src(), sb).append(" > ");
        formatMac(dst(), sb).append(" type 0x");
        return sb.append(String.format("%04x", ethertype()));
    }
}
