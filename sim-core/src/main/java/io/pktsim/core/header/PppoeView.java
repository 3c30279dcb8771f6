package io.pktsim.core.header;

import java.nio.ByteOrder;

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
    public PppoeView wrap(final MutableDirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** @return the version/type byte */
    public int versionType() {
        return buffer.getByte(offset + VER_TYPE_OFFSET) & 0xFF;
    }

    /** @return the code */
    public int code() {
        return buffer.getByte(offset + CODE_OFFSET) & 0xFF;
    }

    /** @return the session id */
    public int sessionId() {
        return buffer.getShort(offset + SESSION_ID_OFFSET, NET) & 0xFFFF;
    }

    /** @return the payload length (PPP protocol field plus IP packet) */
    public int payloadLength() {
        return buffer.getShort(offset + LENGTH_OFFSET, NET) & 0xFFFF;
    }

    /** @return the PPP protocol */
    public int pppProtocol() {
        return buffer.getShort(offset + PPP_PROTOCOL_OFFSET, NET) & 0xFFFF;
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
        buffer.putByte(offset + VER_TYPE_OFFSET, (byte) 0x11);
        buffer.putByte(offset + CODE_OFFSET, (byte) 0);
        buffer.putShort(offset + SESSION_ID_OFFSET, (short) sessionId, NET);
        buffer.putShort(offset + LENGTH_OFFSET, (short) (ipLength + 2), NET);
        buffer.putShort(offset + PPP_PROTOCOL_OFFSET, (short) pppProtocol, NET);
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
