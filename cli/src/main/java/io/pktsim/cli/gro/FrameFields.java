package io.pktsim.cli.gro;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketParser;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/**
 * Reads the JSON fields of an output packet from its headers. Off the hot path (allocates).
 *
 * <p>{@code payload_len}: for a TCP segment (or aggregate) the TCP payload up to the IP length (Ethernet
 * padding excluded); for an IP fragment and for any other IP packet the bytes after the IP header(s), the
 * transport header included; for a frame that is not IP the bytes after the Ethernet header.
 */
final class FrameFields {

    private static final int ETH_HEADER = 14;
    private static final int TCP_MIN = 20;

    Long seq;
    Integer ipId;
    List<String> flags;
    int payloadLen;
    boolean fragment;

    private FrameFields() {
    }

    /**
     * Reads the fields of a packet that {@code parsed} describes (its offsets set by {@link PacketParser}).
     *
     * @param store the store
     * @param h the packet; its stored bytes hold at least every header
     * @param totalLength the frame's length, bytes
     * @param parsed the {@link PacketParser#parse} result
     * @return the fields
     */
    static FrameFields of(final PacketStore store, final int h, final int totalLength, final int parsed) {
        final FrameFields r = new FrameFields();
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(h);
        final int net = store.networkOffset(h);
        final int l4 = store.transportOffset(h);
        if (net < 0 || parsed == PacketParser.MALFORMED) {
            r.payloadLen = Math.max(0, totalLength - (net < 0 ? ETH_HEADER : net));
            return r;
        }
        final int ip = f + net;
        int ipEnd = totalLength;
        int ipHeader = Ipv6View.LENGTH;
        boolean fragment = false;
        if ((b.getByte(ip) & 0xF0) == 0x40) {
            ipHeader = (b.getByte(ip) & 0x0F) << 2;
            r.ipId = u16(b, ip + 4);
            final int totLen = u16(b, ip + 2);
            if (totLen >= ipHeader) {
                ipEnd = Math.min(totalLength, net + totLen);
            }
            final int fragWord = u16(b, ip + 6);
            if ((fragWord & 0x3FFF) != 0) {
                fragment = true;
                r.fragment = true;
                r.payloadLen = Math.max(0, ipEnd - net - ipHeader);
                if ((fragWord & 0x1FFF) != 0) {
                    return r;
                }
            }
        } else {
            ipEnd = Math.min(totalLength, net + Ipv6View.LENGTH + u16(b, ip + Ipv6View.PAYLOAD_LENGTH_OFFSET));
        }
        if (parsed == PacketParser.L4 && l4 >= 0 && isTcp(store, h) && ipEnd >= l4 + TCP_MIN) {
            final TcpView tcp = new TcpView().wrap(b, f + l4);
            r.seq = tcp.seq() & 0xFFFFFFFFL;
            r.flags = new ArrayList<>();
            for (int bit = 0; bit < 8; bit++) {
                if ((tcp.flags() & (1 << bit)) != 0) {
                    r.flags.add(TcpView.flagName(bit));
                }
            }
            if (!fragment) {
                r.payloadLen = Math.max(0, ipEnd - l4 - Math.max(TCP_MIN, tcp.headerLength()));
            }
        } else if (!fragment) {
            r.payloadLen = Math.max(0, ipEnd - (l4 >= 0 ? l4 : net + ipHeader));
        }
        return r;
    }

    /** Whether the innermost IP header's upper-layer protocol is TCP. */
    private static boolean isTcp(final PacketStore store, final int h) {
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(h);
        final int inner = store.innerNetworkOffset(h);
        final int l3 = inner >= 0 ? inner : store.networkOffset(h);
        final int ip = f + l3;
        if ((b.getByte(ip) & 0xF0) == 0x40) {
            return (b.getByte(ip + 9) & 0xFF) == 6;
        }
        final Ipv6View v6 = new Ipv6View().wrap(b, ip);
        final int stored = Math.min(store.storedLength(h), store.length(h));
        return v6.walkExtensionHeaders(stored - l3) && v6.upperLayerProtocol() == 6
            && l3 + v6.upperLayerOffset() == store.transportOffset(h);
    }

    private static int u16(final MutableDirectBuffer b, final int at) {
        return b.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
    }
}
