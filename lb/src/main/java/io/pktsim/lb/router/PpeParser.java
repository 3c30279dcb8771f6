package io.pktsim.lb.router;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.ppe.PpeFlowTable;

/**
 * The frame as the PPE parses it when it enters the frame engine from the GMAC: the 802.1Q tag, a PPPoE session
 * header, the IPv4 or IPv6 header and the ports; then {@link PpeFlowTable#receive} with that tuple (an IPv6 one as
 * the three words its hash folds it into, as {@code PpeHardwareOffload} folds the flowtable's tuples), i.e. before
 * NAT, as the tuple of the direction's {@code mtk_flow_offload_replace} (drivers/net/ethernet/mediatek/mtk_ppe.c,
 * mtk_ppe_offload.c, 6.18).
 *
 * <p>{@link #receive} reads the header words in place after one range check of the most any parse can read
 * ({@link #PARSE_BYTES} from the frame's start); near the buffer's end it leaves the frame to
 * {@link #receiveChecked}, which reads every word through Agrona's checked accessors. Both read the same bytes
 * of the buffer and give the table the same tuple. Allocation-free.
 */
final class PpeParser {

    /** PPP protocol numbers of IPv4 and IPv6 in a PPPoE session frame (RFC 1332, RFC 5072). */
    private static final int PPP_IPV4 = 0x0021;
    private static final int PPP_IPV6 = 0x0057;
    private static final int PPPOE_HEADER = 8;
    private static final int VLAN_TAG = 4;
    /**
     * The bytes from the frame's start any parse may read: the EtherType, an 802.1Q tag, a PPPoE session header,
     * an IPv4 header of up to 60 bytes (IPv6: 40) and the ports word.
     */
    static final int PARSE_BYTES = EthernetView.ETHERTYPE_OFFSET + VLAN_TAG + 2 + PPPOE_HEADER + 60 + 4;

    private PpeParser() {
    }

    /**
     * @param store the packet store
     * @param ppe the table
     * @param h the frame's handle
     * @param now simulated time, ns
     * @return what the PPE did ({@link PpeFlowTable#lastHash()} is the FOE entry of the RX descriptor), or null
     *     for a frame that is not TCP or UDP over IPv4 or IPv6: to the CPU, unseen, no FOE entry
     */
    static PpeFlowTable.Result receive(final PacketStore store, final PpeFlowTable ppe, final int h,
        final long now) {
        final MutableDirectBuffer b = store.buffer();
        final int off = store.frameOffset(h);
        if (off < 0 || off > b.capacity() - PARSE_BYTES) {
            return receiveChecked(store, ppe, h, now);
        }
        final byte[] a = b.byteArray();
        long at = FrameBytes.address(b, off, PARSE_BYTES) + EthernetView.ETHERTYPE_OFFSET;
        int type = FrameBytes.getShort(a, at) & 0xFFFF;
        if (type == EthernetView.ETHERTYPE_VLAN) {
            at += VLAN_TAG;
            type = FrameBytes.getShort(a, at) & 0xFFFF;
        }
        at += 2;
        if (type == EthernetView.ETHERTYPE_PPPOE_SESSION) {
            final int ppp = FrameBytes.getShort(a, at + PPPOE_HEADER - 2) & 0xFFFF;
            type = ppp == PPP_IPV4 ? EthernetView.ETHERTYPE_IPV4 : ppp == PPP_IPV6 ? EthernetView.ETHERTYPE_IPV6 : 0;
            at += PPPOE_HEADER;
        }
        if (type == EthernetView.ETHERTYPE_IPV4) {
            final int proto = FrameBytes.getByte(a, at + 9) & 0xFF;
            if (proto != 6 && proto != 17) {
                return null;
            }
            return ppe.receive(FrameBytes.getInt(a, at + 12), FrameBytes.getInt(a, at + 16),
                FrameBytes.getInt(a, at + (FrameBytes.getByte(a, at) & 0x0F) * 4), proto, now);
        } else if (type == EthernetView.ETHERTYPE_IPV6) {
            final int proto = FrameBytes.getByte(a, at + 6) & 0xFF;
            if (proto != 6 && proto != 17) {
                return null;
            }
            return ppe.receive(
                PpeFlowTable.ipv6Src(FrameBytes.getInt(a, at + 8), FrameBytes.getInt(a, at + 12),
                    FrameBytes.getInt(a, at + 28)),
                PpeFlowTable.ipv6Dst(FrameBytes.getInt(a, at + 24), FrameBytes.getInt(a, at + 16),
                    FrameBytes.getInt(a, at + 32)),
                PpeFlowTable.ipv6Ports(FrameBytes.getInt(a, at + 20), FrameBytes.getInt(a, at + 36),
                    FrameBytes.getInt(a, at + 40)), proto, now);
        }
        return null;
    }

    /**
     * {@link #receive} with every word read through the buffer's checked accessors (the reference, and the path
     * of a frame whose {@link #PARSE_BYTES} would pass the buffer's end).
     *
     * @param store the packet store
     * @param ppe the table
     * @param h the frame's handle
     * @param now simulated time, ns
     * @return as {@link #receive}
     */
    static PpeFlowTable.Result receiveChecked(final PacketStore store, final PpeFlowTable ppe, final int h,
        final long now) {
        final int[] t = CHECKED_TUPLE.get();
        final int proto = tuple(store.buffer(), store.frameOffset(h), t);
        return proto == 0 ? null : ppe.receive(t[0], t[1], t[2], proto, now);
    }

    /** The tuple buffer of {@link #receiveChecked}, per thread (a simulation runs on one). */
    private static final ThreadLocal<int[]> CHECKED_TUPLE = ThreadLocal.withInitial(() -> new int[3]);

    /**
     * The tuple the PPE takes from a frame, read through the buffer's checked accessors: source, destination and
     * ports words into {@code out[0..2]} (IPv6: the three words of {@link PpeFlowTable#ipv6Src},
     * {@link PpeFlowTable#ipv6Dst}, {@link PpeFlowTable#ipv6Ports}).
     *
     * @param b the buffer
     * @param frame the frame's offset in it
     * @param out the tuple, written when the result is not 0
     * @return the IP protocol (6 or 17), or 0 for a frame that is not TCP or UDP over IPv4 or IPv6
     */
    static int tuple(final DirectBuffer b, final int frame, final int[] out) {
        int at = frame + EthernetView.ETHERTYPE_OFFSET;
        int type = b.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        if (type == EthernetView.ETHERTYPE_VLAN) {
            at += VLAN_TAG;
            type = b.getShort(at, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        }
        at += 2;
        if (type == EthernetView.ETHERTYPE_PPPOE_SESSION) {
            final int ppp = b.getShort(at + PPPOE_HEADER - 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            type = ppp == PPP_IPV4 ? EthernetView.ETHERTYPE_IPV4 : ppp == PPP_IPV6 ? EthernetView.ETHERTYPE_IPV6 : 0;
            at += PPPOE_HEADER;
        }
        final int proto;
        if (type == EthernetView.ETHERTYPE_IPV4) {
            proto = b.getByte(at + 9) & 0xFF;
            if (proto != 6 && proto != 17) {
                return 0;
            }
            out[0] = b.getInt(at + 12, ByteOrder.BIG_ENDIAN);
            out[1] = b.getInt(at + 16, ByteOrder.BIG_ENDIAN);
            out[2] = b.getInt(at + (b.getByte(at) & 0x0F) * 4, ByteOrder.BIG_ENDIAN);
            return proto;
        }
        if (type == EthernetView.ETHERTYPE_IPV6) {
            proto = b.getByte(at + 6) & 0xFF;
            if (proto != 6 && proto != 17) {
                return 0;
            }
            // the three words mtk_ppe_hash_entry() folds an IPv6 5-tuple into (PpeFlowTable.ipv6Src)
            out[0] = PpeFlowTable.ipv6Src(b.getInt(at + 8, ByteOrder.BIG_ENDIAN),
                b.getInt(at + 12, ByteOrder.BIG_ENDIAN), b.getInt(at + 28, ByteOrder.BIG_ENDIAN));
            out[1] = PpeFlowTable.ipv6Dst(b.getInt(at + 24, ByteOrder.BIG_ENDIAN),
                b.getInt(at + 16, ByteOrder.BIG_ENDIAN), b.getInt(at + 32, ByteOrder.BIG_ENDIAN));
            out[2] = PpeFlowTable.ipv6Ports(b.getInt(at + 20, ByteOrder.BIG_ENDIAN),
                b.getInt(at + 36, ByteOrder.BIG_ENDIAN), b.getInt(at + 40, ByteOrder.BIG_ENDIAN));
            return proto;
        }
        return 0;
    }
}
