package io.pktsim.core.header;

import java.nio.ByteOrder;

import io.pktsim.core.flow.InetText;
import org.agrona.MutableDirectBuffer;

/**
 * An IPv6 header (RFC 8200), 40 bytes, and a walk over its extension headers.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------+---------------+---------------------------------------+
 *  |Version| Traffic Class |           Flow Label (20)             |
 *  +-------+---------------+-------+---------------+---------------+
 *  |         Payload Length        |  Next Header  |   Hop Limit   |
 *  +-------------------------------+---------------+---------------+
 *  |                    Source Address (128)                       |
 *  +---------------------------------------------------------------+
 *  |                 Destination Address (128)                     |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class Ipv6View {

    /** Header length in bytes. */
    public static final int LENGTH = 40;
    /** Offset of version, traffic class and flow label. */
    public static final int VTC_FLOW_OFFSET = 0;
    /** Offset of the payload length. */
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    /** Offset of the next header. */
    public static final int NEXT_HEADER_OFFSET = 6;
    /** Offset of the hop limit. */
    public static final int HOP_LIMIT_OFFSET = 7;
    /** Offset of the source address. */
    public static final int SRC_OFFSET = 8;
    /** Offset of the destination address. */
    public static final int DST_OFFSET = 24;

    /** Next header: hop-by-hop options. */
    public static final int NEXTHDR_HOP = 0;
    /** Next header: routing. */
    public static final int NEXTHDR_ROUTING = 43;
    /** Next header: fragment. */
    public static final int NEXTHDR_FRAGMENT = 44;
    /** Next header: ESP. */
    public static final int NEXTHDR_ESP = 50;
    /** Next header: AH. */
    public static final int NEXTHDR_AUTH = 51;
    /** Next header: no next header. */
    public static final int NEXTHDR_NONE = 59;
    /** Next header: destination options. */
    public static final int NEXTHDR_DEST = 60;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private MutableDirectBuffer buffer;
    private int offset;
    /** The buffer's byte array (null off-heap) and the address of the header's first byte, checked at wrap. */
    private byte[] array;
    private long address;
    // results of the last walkExtensionHeaders()
    private int upperOffset;
    private int upperProtocol;
    private int fragmentWord;
    private boolean fragment;
    private int extensionCount;

    /**
     * Points the view at a header.
     *
     * @param buffer the bytes
     * @param offset the first header byte
     * @return this view
     * @throws IndexOutOfBoundsException if the header's {@link #LENGTH} bytes are not all inside the buffer
     *     (checked once here; the fixed fields are then read without a check of their own)
     */
    public Ipv6View wrap(final MutableDirectBuffer buffer, final int offset) {
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

    /** @return the version (6 for a valid header) */
    public int version() {
        return (FrameBytes.getByte(array, address) & 0xF0) >>> 4;
    }

    /** @return the traffic class */
    public int trafficClass() {
        return (FrameBytes.getInt(array, address) >>> 20) & 0xFF;
    }

    /** @return the 20-bit flow label */
    public int flowLabel() {
        return FrameBytes.getInt(array, address) & 0xFFFFF;
    }

    /**
     * Sets version 6, the traffic class and the flow label.
     *
     * @param trafficClass the traffic class
     * @param flowLabel the flow label
     * @return this view
     */
    public Ipv6View versionClassLabel(final int trafficClass, final int flowLabel) {
        FrameBytes.putInt(array, address, (6 << 28) | ((trafficClass & 0xFF) << 20) | (flowLabel & 0xFFFFF));
        return this;
    }

    /** @return the first 32-bit word (version, class, label), as GRO compares it */
    public int firstWord() {
        return FrameBytes.getInt(array, address);
    }

    /** @return the payload length in bytes */
    public int payloadLength() {
        return FrameBytes.getShort(array, address + PAYLOAD_LENGTH_OFFSET) & 0xFFFF;
    }

    /**
     * @param bytes the payload length
     * @return this view
     */
    public Ipv6View payloadLength(final int bytes) {
        FrameBytes.putShort(array, address + PAYLOAD_LENGTH_OFFSET, (short) bytes);
        return this;
    }

    /** @return the next header of the fixed header */
    public int nextHeader() {
        return FrameBytes.getByte(array, address + NEXT_HEADER_OFFSET) & 0xFF;
    }

    /**
     * @param nh the next header
     * @return this view
     */
    public Ipv6View nextHeader(final int nh) {
        FrameBytes.putByte(array, address + NEXT_HEADER_OFFSET, (byte) nh);
        return this;
    }

    /** @return the hop limit */
    public int hopLimit() {
        return FrameBytes.getByte(array, address + HOP_LIMIT_OFFSET) & 0xFF;
    }

    /**
     * @param hops the hop limit
     * @return this view
     */
    public Ipv6View hopLimit(final int hops) {
        FrameBytes.putByte(array, address + HOP_LIMIT_OFFSET, (byte) hops);
        return this;
    }

    /** @return the high 64 bits of the source address */
    public long srcHi() {
        return FrameBytes.getLong(array, address + SRC_OFFSET);
    }

    /** @return the low 64 bits of the source address */
    public long srcLo() {
        return FrameBytes.getLong(array, address + SRC_OFFSET + 8);
    }

    /** @return the high 64 bits of the destination address */
    public long dstHi() {
        return FrameBytes.getLong(array, address + DST_OFFSET);
    }

    /** @return the low 64 bits of the destination address */
    public long dstLo() {
        return FrameBytes.getLong(array, address + DST_OFFSET + 8);
    }

    /**
     * @param hi high 64 bits
     * @param lo low 64 bits
     * @return this view
     */
    public Ipv6View src(final long hi, final long lo) {
        FrameBytes.putLong(array, address + SRC_OFFSET, hi);
        FrameBytes.putLong(array, address + SRC_OFFSET + 8, lo);
        return this;
    }

    /**
     * @param hi high 64 bits
     * @param lo low 64 bits
     * @return this view
     */
    public Ipv6View dst(final long hi, final long lo) {
        FrameBytes.putLong(array, address + DST_OFFSET, hi);
        FrameBytes.putLong(array, address + DST_OFFSET + 8, lo);
        return this;
    }

    /**
     * Walks the extension headers ({@code ipv6_skip_exthdr()}, net/ipv6/exthdrs_core.c, Linux 6.18) up to
     * the upper-layer header or {@code limit} bytes; read the results with {@link #upperLayerOffset()},
     * {@link #upperLayerProtocol()}, {@link #isFragment()}, {@link #fragmentWord()}.
     *
     * @param limit how many bytes from the start of the IPv6 header are readable
     * @return false if an extension header runs past the limit (upper-layer offset then -1)
     */
    public boolean walkExtensionHeaders(final int limit) {
        int nh = nextHeader();
        int at = LENGTH;
        fragment = false;
        fragmentWord = 0;
        extensionCount = 0;
        while (true) {
            if (nh == NEXTHDR_HOP || nh == NEXTHDR_ROUTING || nh == NEXTHDR_DEST || nh == NEXTHDR_AUTH) {
                if (at + 2 > limit) {
                    upperOffset = -1;
                    upperProtocol = nh;
                    return false;
                }
                final int next = buffer.getByte(offset + at) & 0xFF;
                final int len = buffer.getByte(offset + at + 1) & 0xFF;
                final int hdrLen = nh == NEXTHDR_AUTH ? (len + 2) << 2 : (len + 1) << 3;
                at += hdrLen;
                nh = next;
                extensionCount++;
            } else if (nh == NEXTHDR_FRAGMENT) {
                if (at + 8 > limit) {
                    upperOffset = -1;
                    upperProtocol = nh;
                    return false;
                }
                fragment = true;
                fragmentWord = buffer.getShort(offset + at + 2, NET) & 0xFFFF;
                nh = buffer.getByte(offset + at) & 0xFF;
                at += 8;
                extensionCount++;
            } else {
                break;
            }
        }
        upperOffset = at;
        upperProtocol = nh;
        return at <= limit;
    }

    /** @return offset of the upper-layer header from the IPv6 header, after a walk; -1 if truncated */
    public int upperLayerOffset() {
        return upperOffset;
    }

    /** @return the upper-layer protocol, after a walk */
    public int upperLayerProtocol() {
        return upperProtocol;
    }

    /** @return whether a fragment header was found, after a walk */
    public boolean isFragment() {
        return fragment;
    }

    /** @return the fragment header's offset/flags word (offset in 8-byte units << 3, M bit 1), after a walk */
    public int fragmentWord() {
        return fragmentWord;
    }

    /** @return the number of extension headers, after a walk */
    public int extensionHeaderCount() {
        return extensionCount;
    }

    /**
     * Describes the header in text.
     *
     * @param sb where to write
     * @return sb
     */
    public StringBuilder describe(final StringBuilder sb) {
        return sb.append("IPv6 ").append(InetText.ipv6(srcHi(), srcLo())).append(" > ")
            .append(InetText.ipv6(dstHi(), dstLo())).append(" next ").append(nextHeader())
            .append(" plen ").append(payloadLength()).append(" hlim ").append(hopLimit())
            .append(" tc 0x").append(Integer.toHexString(trafficClass()))
            .append(" label 0x").append(Integer.toHexString(flowLabel()));
    }
}
