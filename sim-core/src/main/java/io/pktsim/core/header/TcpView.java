package io.pktsim.core.header;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

/**
 * A TCP header (RFC 9293), 20 to 60 bytes, with an allocation-free option walk.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |          Source Port          |       Destination Port        |
 *  +-------------------------------+-------------------------------+
 *  |                        Sequence Number                        |
 *  +---------------------------------------------------------------+
 *  |                    Acknowledgment Number                      |
 *  +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 *  |  Data |       |C|E|U|A|P|R|S|F|                               |
 *  | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *  |       |       |R|E|G|K|H|T|N|N|                               |
 *  +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 *  |           Checksum            |         Urgent Pointer        |
 *  +-------------------------------+-------------------------------+
 *  |                    Options (data offset > 5)                  |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class TcpView {

    /** Length of a header without options. */
    public static final int MIN_LENGTH = 20;
    /** Offset of the source port. */
    public static final int SRC_PORT_OFFSET = 0;
    /** Offset of the destination port. */
    public static final int DST_PORT_OFFSET = 2;
    /** Offset of the sequence number. */
    public static final int SEQ_OFFSET = 4;
    /** Offset of the acknowledgment number. */
    public static final int ACK_OFFSET = 8;
    /** Offset of the data offset nibble. */
    public static final int DATA_OFFSET_OFFSET = 12;
    /** Offset of the flags byte. */
    public static final int FLAGS_OFFSET = 13;
    /** Offset of the window. */
    public static final int WINDOW_OFFSET = 14;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 16;
    /** Offset of the urgent pointer. */
    public static final int URGENT_OFFSET = 18;

    /** FIN flag. */
    public static final int FIN = 0x01;
    /** SYN flag. */
    public static final int SYN = 0x02;
    /** RST flag. */
    public static final int RST = 0x04;
    /** PSH flag. */
    public static final int PSH = 0x08;
    /** ACK flag. */
    public static final int ACK = 0x10;
    /** URG flag. */
    public static final int URG = 0x20;
    /** ECE flag. */
    public static final int ECE = 0x40;
    /** CWR flag. */
    public static final int CWR = 0x80;

    /** Option kind: end of list. */
    public static final int OPT_EOL = 0;
    /** Option kind: no-operation. */
    public static final int OPT_NOP = 1;
    /** Option kind: maximum segment size. */
    public static final int OPT_MSS = 2;
    /** Option kind: window scale. */
    public static final int OPT_WSCALE = 3;
    /** Option kind: SACK permitted. */
    public static final int OPT_SACK_PERM = 4;
    /** Option kind: SACK. */
    public static final int OPT_SACK = 5;
    /** Option kind: timestamps. */
    public static final int OPT_TIMESTAMP = 8;

    private static final String[] FLAG_NAMES = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

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
    public TcpView wrap(final MutableDirectBuffer buffer, final int offset) {
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

    /** @return the source port */
    public int srcPort() {
        return FrameBytes.getShort(array, address + SRC_PORT_OFFSET) & 0xFFFF;
    }

    /**
     * @param port the source port
     * @return this view
     */
    public TcpView srcPort(final int port) {
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
    public TcpView dstPort(final int port) {
        FrameBytes.putShort(array, address + DST_PORT_OFFSET, (short) port);
        return this;
    }

    /** @return the sequence number as an unsigned 32-bit value in an int */
    public int seq() {
        return FrameBytes.getInt(array, address + SEQ_OFFSET);
    }

    /**
     * @param seq the sequence number
     * @return this view
     */
    public TcpView seq(final int seq) {
        FrameBytes.putInt(array, address + SEQ_OFFSET, seq);
        return this;
    }

    /** @return the acknowledgment number */
    public int ack() {
        return FrameBytes.getInt(array, address + ACK_OFFSET);
    }

    /**
     * @param ack the acknowledgment number
     * @return this view
     */
    public TcpView ack(final int ack) {
        FrameBytes.putInt(array, address + ACK_OFFSET, ack);
        return this;
    }

    /** @return the header length in bytes (data offset x 4) */
    public int headerLength() {
        return (FrameBytes.getByte(array, address + DATA_OFFSET_OFFSET) & 0xF0) >>> 2;
    }

    /**
     * @param bytes the header length, a multiple of 4 from 20 to 60
     * @return this view
     */
    public TcpView headerLength(final int bytes) {
        FrameBytes.putByte(array, address + DATA_OFFSET_OFFSET, (byte) ((bytes >>> 2) << 4));
        return this;
    }

    /** @return the flag bits ({@link #FIN} ... {@link #CWR}) */
    public int flags() {
        return FrameBytes.getByte(array, address + FLAGS_OFFSET) & 0xFF;
    }

    /**
     * @param flags the flag bits
     * @return this view
     */
    public TcpView flags(final int flags) {
        FrameBytes.putByte(array, address + FLAGS_OFFSET, (byte) flags);
        return this;
    }

    /** @return the window */
    public int window() {
        return FrameBytes.getShort(array, address + WINDOW_OFFSET) & 0xFFFF;
    }

    /**
     * @param window the window
     * @return this view
     */
    public TcpView window(final int window) {
        FrameBytes.putShort(array, address + WINDOW_OFFSET, (short) window);
        return this;
    }

    /** @return the checksum field */
    public int checksum() {
        return FrameBytes.getShort(array, address + CHECKSUM_OFFSET) & 0xFFFF;
    }

    /**
     * @param check the checksum field
     * @return this view
     */
    public TcpView checksum(final int check) {
        FrameBytes.putShort(array, address + CHECKSUM_OFFSET, (short) check);
        return this;
    }

    /** @return the urgent pointer */
    public int urgentPointer() {
        return FrameBytes.getShort(array, address + URGENT_OFFSET) & 0xFFFF;
    }

    /**
     * @param ptr the urgent pointer
     * @return this view
     */
    public TcpView urgentPointer(final int ptr) {
        FrameBytes.putShort(array, address + URGENT_OFFSET, (short) ptr);
        return this;
    }

    /**
     * Finds an option ({@code tcp_parse_options()}, net/ipv4/tcp_input.c, Linux 6.18, without its
     * validation of lengths per kind).
     *
     * @param kind the option kind
     * @return the offset of the option's kind byte from the TCP header, or -1 if absent or malformed
     */
    public int findOption(final int kind) {
        final int end = headerLength();
        int at = MIN_LENGTH;
        while (at < end) {
            final int k = buffer.getByte(offset + at) & 0xFF;
            if (k == OPT_EOL) {
                return -1;
            }
            if (k == OPT_NOP) {
                at++;
                continue;
            }
            if (at + 1 >= end) {
                return -1;
            }
            final int len = buffer.getByte(offset + at + 1) & 0xFF;
            if (len < 2 || at + len > end) {
                return -1;
            }
            if (k == kind) {
                return at;
            }
            at += len;
        }
        return -1;
    }

    /** @return the MSS option value, or -1 if absent */
    public int mssOption() {
        final int at = findOption(OPT_MSS);
        return at < 0 ? -1 : buffer.getShort(offset + at + 2, NET) & 0xFFFF;
    }

    /**
     * Rewrites the MSS option value in place and patches the checksum, as the {@code TCPMSS} target's
     * {@code --clamp-mss-to-pmtu} does.
     *
     * @param mss the new MSS
     * @return false if the segment has no MSS option
     */
    public boolean mssOption(final int mss) {
        final int at = findOption(OPT_MSS);
        if (at < 0) {
            return false;
        }
        final int old = buffer.getShort(offset + at + 2, NET) & 0xFFFF;
        buffer.putShort(offset + at + 2, (short) mss, NET);
        if (((at + 2) & 1) == 0) {
            checksum(InetChecksum.replace16(checksum(), old, mss));
        } else {
            checksum(InetChecksum.replace16(checksum(), (old >>> 8) | ((old & 0xFF) << 8),
                (mss >>> 8) | ((mss & 0xFF) << 8)));
        }
        return true;
    }

    /** @return the timestamp option's TSval, or 0 if absent */
    public int timestampValue() {
        final int at = findOption(OPT_TIMESTAMP);
        return at < 0 ? 0 : buffer.getInt(offset + at + 2, NET);
    }

    /** @return the timestamp option's TSecr, or 0 if absent */
    public int timestampEcho() {
        final int at = findOption(OPT_TIMESTAMP);
        return at < 0 ? 0 : buffer.getInt(offset + at + 6, NET);
    }

    /**
     * Appends the names of flag bits, comma separated ("ACK,PSH").
     *
     * @param flags the flag bits
     * @param sb where to write
     * @return sb
     */
    public static StringBuilder flagNames(final int flags, final StringBuilder sb) {
        boolean first = true;
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                if (!first) {
                    sb.append(',');
                }
                sb.append(FLAG_NAMES[i]);
                first = false;
            }
        }
        return sb;
    }

    /**
     * The name of one flag bit.
     *
     * @param bit 0 (FIN) to 7 (CWR)
     * @return its name
     */
    public static String flagName(final int bit) {
        return FLAG_NAMES[bit];
    }

    /**
     * Describes the header in text.
     *
     * @param sb where to write
     * @return sb
     */
    public StringBuilder describe(final StringBuilder sb) {
        sb.append("TCP ").append(srcPort()).append(" > ").append(dstPort()).append(" [");
        flagNames(flags(), sb).append("] seq ").append(Integer.toUnsignedString(seq()))
            .append(" ack ").append(Integer.toUnsignedString(ack())).append(" win ").append(window())
            .append(" hlen ").append(headerLength());
        final int mss = mssOption();
        if (mss >= 0) {
            sb.append(" mss ").append(mss);
        }
        if (findOption(OPT_TIMESTAMP) >= 0) {
            sb.append(" ts ").append(Integer.toUnsignedString(timestampValue())).append('/')
                .append(Integer.toUnsignedString(timestampEcho()));
        }
        return sb;
    }
}
