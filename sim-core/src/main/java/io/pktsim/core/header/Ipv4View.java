package io.pktsim.core.header;


import io.pktsim.core.flow.InetText;
import org.agrona.MutableDirectBuffer;

/**
 * An IPv4 header (RFC 791), 20 to 60 bytes.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------+-------+-----------+---+-------------------------------+
 *  |Version|  IHL  |   DSCP    |ECN|         Total Length          |
 *  +-------+-------+-----------+---+-+-+-+-------------------------+
 *  |         Identification        |0|D|M|     Fragment Offset     |
 *  +---------------+---------------+-+-+-+-------------------------+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +---------------+---------------+-------------------------------+
 *  |                       Source Address                          |
 *  +---------------------------------------------------------------+
 *  |                    Destination Address                        |
 *  +---------------------------------------------------------------+
 *  |                    Options (IHL > 5)                          |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class Ipv4View {

    /** Length of a header without options. */
    public static final int MIN_LENGTH = 20;
    /** Offset of version and IHL. */
    public static final int VERSION_IHL_OFFSET = 0;
    /** Offset of DSCP and ECN (the TOS byte). */
    public static final int TOS_OFFSET = 1;
    /** Offset of the total length. */
    public static final int TOTAL_LENGTH_OFFSET = 2;
    /** Offset of the identification. */
    public static final int ID_OFFSET = 4;
    /** Offset of flags and fragment offset. */
    public static final int FRAG_OFFSET = 6;
    /** Offset of the TTL. */
    public static final int TTL_OFFSET = 8;
    /** Offset of the protocol. */
    public static final int PROTOCOL_OFFSET = 9;
    /** Offset of the header checksum. */
    public static final int CHECKSUM_OFFSET = 10;
    /** Offset of the source address. */
    public static final int SRC_OFFSET = 12;
    /** Offset of the destination address. */
    public static final int DST_OFFSET = 16;
    /** Offset of the first option byte. */
    public static final int OPTIONS_OFFSET = 20;

    /** The DF (don't fragment) bit of the flags/fragment word. */
    public static final int FLAG_DF = 0x4000;
    /** The MF (more fragments) bit of the flags/fragment word. */
    public static final int FLAG_MF = 0x2000;
    /** The mask of the fragment offset (in 8-byte units). */
    public static final int FRAG_OFFSET_MASK = 0x1FFF;


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
     * @throws IndexOutOfBoundsException if the header's {@link #MIN_LENGTH} bytes are not all inside the buffer
     *     (checked once here; the fixed fields are then read without a check of their own)
     */
    public Ipv4View wrap(final MutableDirectBuffer buffer, final int offset) {
        this.address = FrameBytes.address(buffer, offset, MIN_LENGTH);
        this.array = buffer.byteArray();
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return the offset of the header in its buffer */
    public int offset() {
        return offset;
    }

    /** @return the version field (4 for a valid header) */
    public int version() {
        return (FrameBytes.getByte(array, address) & 0xF0) >>> 4;
    }

    /** @return the header length in bytes (IHL x 4) */
    public int headerLength() {
        return (FrameBytes.getByte(array, address) & 0x0F) << 2;
    }

    /**
     * Sets version 4 and the header length.
     *
     * @param bytes header length, a multiple of 4 from 20 to 60
     * @return this view
     */
    public Ipv4View versionAndHeaderLength(final int bytes) {
        FrameBytes.putByte(array, address, (byte) (0x40 | ((bytes >>> 2) & 0x0F)));
        return this;
    }

    /** @return the TOS byte (DSCP and ECN) */
    public int tos() {
        return FrameBytes.getByte(array, address + TOS_OFFSET) & 0xFF;
    }

    /**
     * @param tos the TOS byte
     * @return this view
     */
    public Ipv4View tos(final int tos) {
        FrameBytes.putByte(array, address + TOS_OFFSET, (byte) tos);
        return this;
    }

    /** @return the total length in bytes */
    public int totalLength() {
        return FrameBytes.getShort(array, address + TOTAL_LENGTH_OFFSET) & 0xFFFF;
    }

    /**
     * @param bytes the total length
     * @return this view
     */
    public Ipv4View totalLength(final int bytes) {
        FrameBytes.putShort(array, address + TOTAL_LENGTH_OFFSET, (short) bytes);
        return this;
    }

    /** @return the identification */
    public int id() {
        return FrameBytes.getShort(array, address + ID_OFFSET) & 0xFFFF;
    }

    /**
     * @param id the identification
     * @return this view
     */
    public Ipv4View id(final int id) {
        FrameBytes.putShort(array, address + ID_OFFSET, (short) id);
        return this;
    }

    /** @return the flags and fragment offset word */
    public int fragWord() {
        return FrameBytes.getShort(array, address + FRAG_OFFSET) & 0xFFFF;
    }

    /**
     * @param word the flags and fragment offset word
     * @return this view
     */
    public Ipv4View fragWord(final int word) {
        FrameBytes.putShort(array, address + FRAG_OFFSET, (short) word);
        return this;
    }

    /** @return whether DF is set */
    public boolean dontFragment() {
        return (fragWord() & FLAG_DF) != 0;
    }

    /** @return whether MF is set */
    public boolean moreFragments() {
        return (fragWord() & FLAG_MF) != 0;
    }

    /** @return the fragment offset in bytes */
    public int fragmentOffsetBytes() {
        return (fragWord() & FRAG_OFFSET_MASK) << 3;
    }

    /** @return whether this is a fragment (MF set or a non-zero offset), as {@code ip_is_fragment()} */
    public boolean isFragment() {
        return (fragWord() & (FLAG_MF | FRAG_OFFSET_MASK)) != 0;
    }

    /** @return the TTL */
    public int ttl() {
        return FrameBytes.getByte(array, address + TTL_OFFSET) & 0xFF;
    }

    /**
     * @param ttl the TTL
     * @return this view
     */
    public Ipv4View ttl(final int ttl) {
        FrameBytes.putByte(array, address + TTL_OFFSET, (byte) ttl);
        return this;
    }

    /**
     * Decrements the TTL and patches the checksum incrementally, as {@code ip_decrease_ttl()}
     * (include/net/ip.h, Linux 6.18) does.
     *
     * @return the new TTL
     */
    public int decrementTtl() {
        final int oldWord = FrameBytes.getShort(array, address + TTL_OFFSET) & 0xFFFF;
        final int ttl = (oldWord >>> 8) - 1;
        final int newWord = (ttl << 8) | (oldWord & 0xFF);
        FrameBytes.putShort(array, address + TTL_OFFSET, (short) newWord);
        checksum(InetChecksum.replace16(checksum(), oldWord, newWord));
        return ttl;
    }

    /** @return the protocol */
    public int protocol() {
        return FrameBytes.getByte(array, address + PROTOCOL_OFFSET) & 0xFF;
    }

    /**
     * @param protocol the protocol
     * @return this view
     */
    public Ipv4View protocol(final int protocol) {
        FrameBytes.putByte(array, address + PROTOCOL_OFFSET, (byte) protocol);
        return this;
    }

    /** @return the header checksum field */
    public int checksum() {
        return FrameBytes.getShort(array, address + CHECKSUM_OFFSET) & 0xFFFF;
    }

    /**
     * @param check the header checksum field
     * @return this view
     */
    public Ipv4View checksum(final int check) {
        FrameBytes.putShort(array, address + CHECKSUM_OFFSET, (short) check);
        return this;
    }

    /** @return the source address */
    public int src() {
        return FrameBytes.getInt(array, address + SRC_OFFSET);
    }

    /**
     * @param addr the source address
     * @return this view
     */
    public Ipv4View src(final int addr) {
        FrameBytes.putInt(array, address + SRC_OFFSET, addr);
        return this;
    }

    /** @return the destination address */
    public int dst() {
        return FrameBytes.getInt(array, address + DST_OFFSET);
    }

    /**
     * @param addr the destination address
     * @return this view
     */
    public Ipv4View dst(final int addr) {
        FrameBytes.putInt(array, address + DST_OFFSET, addr);
        return this;
    }

    /** @return whether the header carries options */
    public boolean hasOptions() {
        return headerLength() > MIN_LENGTH;
    }

    /** Recomputes and stores the header checksum ({@code ip_send_check()}). */
    public void updateChecksum() {
        checksum(0);
        checksum(InetChecksum.finish(InetChecksum.sum(buffer, offset, headerLength(), 0)));
    }

    /** @return whether the header checksum is correct ({@code ip_fast_csum() == 0}) */
    public boolean checksumValid() {
        return InetChecksum.fold(InetChecksum.sum(buffer, offset, headerLength(), 0)) == 0xFFFF;
    }

    /**
     * Writes a header without options, checksum included.
     *
     * @param tos the TOS byte
     * @param totalLength the total length in bytes
     * @param id the identification
     * @param fragWord flags and fragment offset
     * @param ttl the TTL
     * @param protocol the protocol
     * @param src the source address
     * @param dst the destination address
     * @return this view
     */
    public Ipv4View set(final int tos, final int totalLength, final int id, final int fragWord, final int ttl,
        final int protocol, final int src, final int dst) {
        versionAndHeaderLength(MIN_LENGTH);
        tos(tos).totalLength(totalLength).id(id).fragWord(fragWord).ttl(ttl).protocol(protocol)
            .src(src).dst(dst);
        updateChecksum();
        return this;
    }

    /**
     * Describes the header in text.
     *
     * @param sb where to write
     * @return sb
     */
    public StringBuilder describe(final StringBuilder sb) {
        sb.append("IPv4 ").append(InetText.ipv4(src())).append(" > ").append(InetText.ipv4(dst()))
            .append(" proto ").append(protocol()).append(" len ").append(totalLength())
            .append(" id ").append(id()).append(" ttl ").append(ttl())
            .append(" tos 0x").append(Integer.toHexString(tos()));
        if (dontFragment()) {
            sb.append(" DF");
        }
        if (moreFragments()) {
            sb.append(" MF");
        }
        if (fragmentOffsetBytes() != 0) {
            sb.append(" frag ").append(fragmentOffsetBytes());
        }
        if (hasOptions()) {
            sb.append(" options ").append(headerLength() - MIN_LENGTH).append('B');
        }
        return sb.append(checksumValid() ? " cksum ok" : " cksum BAD");
    }
}
