package io.pktsim.core.header;


import org.agrona.MutableDirectBuffer;

/**
 * A PPPoE session header (RFC 2516) followed by the 2-byte PPP protocol field (RFC 1661): the 8 bytes a
 * PPPoE dial adds to every packet (drivers/net/ppp/pppoe.c, Linux 6.18, {@code PPPOE_SES_HLEN}).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------+-------+---------------+-------------------------------+
 *  |  VER  | TYPE  |     CODE      |          SESSION_ID           |
 *  +-------+-------+---------------+-------------------------------+
 *  |      LENGTH (PPP payload)     |        PPP protocol           |
 *  +-------------------------------+-------------------------------+
 * </pre>
 * LENGTH counts the PPP protocol field and the IP packet.
 */
public final class PppoeView {

    /** PPPoE plus PPP header length in bytes. */
    public static final int LENGTH = 8;
    /** Offset of the version/type byte (0x11). */
    public static final int VER_TYPE_OFFSET = 0;
    /** Offset of the code (0 in a session). */
    public static final int CODE_OFFSET = 1;
    /** Offset of the session id. */
    public static final int SESSION_ID_OFFSET = 2;
    /** Offset of the payload length. */
    public static final int LENGTH_OFFSET = 4;
    /** Offset of the PPP protocol field. */
    public static final int PPP_PROTOCOL_OFFSET = 6;
    /** PPP protocol of IPv4. */
    public static final int PPP_IPV4 = 0x0021;
    /** PPP protocol of IPv6. */
    public static final int PPP_IPV6 = 0x0057;
    /** PPP protocol of LCP. */
    public static final int PPP_LCP = 0xC021;


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
    public PppoeView wrap(final MutableDirectBuffer buffer, final int offset) {
        this.address = FrameBytes.address(buffer, offset, LENGTH);
        this.array = buffer.byteArray();
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return the version/type byte */
    public int versionType() {
        return FrameBytes.getByte(array, address + VER_TYPE_OFFSET) & 0xFF;
    }

    /** @return the code */
    public int code() {
        return FrameBytes.getByte(array, address + CODE_OFFSET) & 0xFF;
    }

    /** @return the session id */
    public int sessionId() {
        return FrameBytes.getShort(array, address + SESSION_ID_OFFSET) & 0xFFFF;
    }

    /** @return the payload length (PPP protocol field plus IP packet) */
    public int payloadLength() {
        return FrameBytes.getShort(array, address + LENGTH_OFFSET) & 0xFFFF;
    }

    /** @return the PPP protocol */
    public int pppProtocol() {
        return FrameBytes.getShort(array, address + PPP_PROTOCOL_OFFSET) & 0xFFFF;
    }

    /**
     * Writes a whole session header.
     *
     * @param sessionId the session id
     * @param ipLength the length of the IP packet that follows
     * @param pppProtocol {@link #PPP_IPV4} or {@link #PPP_IPV6}
     * @return this view
     */
    public PppoeView set(final int sessionId, final int ipLength, final int pppProtocol) {
        FrameBytes.putByte(array, address + VER_TYPE_OFFSET, (byte) 0x11);
        FrameBytes.putByte(array, address + CODE_OFFSET, (byte) 0);
        FrameBytes.putShort(array, address + SESSION_ID_OFFSET, (short) sessionId);
        FrameBytes.putShort(array, address + LENGTH_OFFSET, (short) (ipLength + 2));
        FrameBytes.putShort(array, address + PPP_PROTOCOL_OFFSET, (short) pppProtocol);
        return this;
    }

    /**
     * Describes the header in text.
     *
     * @param sb where to write
     * @return sb
     */
    public StringBuilder describe(final StringBuilder sb) {
        return sb.append("PPPoE session 0x").append(Integer.toHexString(sessionId())).append(" length ")
            .append(payloadLength()).append(" ppp 0x").append(String.format("%04x", pppProtocol()));
    }
}
