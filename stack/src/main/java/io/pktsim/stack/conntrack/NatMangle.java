package io.pktsim.stack.conntrack;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.PacketStore;
import java.nio.ByteOrder;
import org.agrona.MutableDirectBuffer;

/**
 * Rewrites the addresses and ports of a NATed connection's packets in place, with incremental checksum
 * updates, as {@code nf_nat_ipv4_manip_pkt} with {@code tcp_manip_pkt} / {@code udp_manip_pkt}
 * (net/netfilter/nf_nat_proto.c, Linux 6.18) do: the IPv4 header checksum for the address, the TCP/UDP
 * checksum for the pseudo-header address and the port ({@code inet_proto_csum_replace4/2}); a UDP checksum of
 * 0 (none) stays 0 and a result of 0 becomes 0xFFFF ({@code CSUM_MANGLED_0}). Allocation-free.
 */
public final class NatMangle {

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private NatMangle() {
    }

    /**
     * Applies a connection's NAT to a packet of it ({@code nf_nat_packet}): source NAT on the original
     * direction, the reverse on the reply direction.
     *
     * @param table the connections
     * @param store the packets
     * @param handle the packet, network offset set, IPv4
     * @param ref the packet's reference from {@link ConntrackTable#in}
     * @return whether the packet was rewritten
     */
    public static boolean apply(final ConntrackTable table, final PacketStore store, final int handle,
        final int ref) {
        final int e = ref >> 1;
        if ((table.status(e) & ConntrackTable.IPS_SRC_NAT) == 0) {
            return false;
        }
        final boolean orig = (ref & 1) == 0;
        final int port = orig ? table.tuplePorts(e, 1) & 0xFFFF : table.tuplePorts(e, 0) >>> 16;
        if (table.family(e) == 4) {
            rewrite(store, handle, orig, orig ? table.tupleDst(e, 1) : table.tupleSrc(e, 0), port);
        } else {
            final int dir = orig ? 1 : 0;
            final boolean src = !orig;
            rewrite6(store, handle, orig, table.tupleAddressWord(e, dir, src, 0),
                table.tupleAddressWord(e, dir, src, 1),
                table.tupleAddressWord(e, dir, src, 2), table.tupleAddressWord(e, dir, src, 3), port);
        }
        return true;
    }

    /**
     * Rewrites an IPv6 packet's source or destination address and port ({@code nf_nat_ipv6_manip_pkt}); IPv6
     * has no header checksum, the TCP/UDP checksum is patched for the four address words and the port.
     *
     * @param store the packets
     * @param handle an IPv6 TCP or UDP packet, network and transport offsets set
     * @param source true for the source (SNAT), false for the destination
     * @param w0 the new address, most significant word
     * @param w1 the new address, word 1
     * @param w2 the new address, word 2
     * @param w3 the new address, least significant word
     * @param port the new port
     */
    public static void rewrite6(final PacketStore store, final int handle, final boolean source, final int w0,
        final int w1, final int w2, final int w3, final int port) {
        final MutableDirectBuffer b = store.buffer();
        final int ipAt = store.networkHeaderOffset(handle);
        final int addrAt = ipAt + (source ? 8 : 24);
        final int l4 = store.transportHeaderOffset(handle);
        final int p = store.transportOffset(handle) < 0 ? -1 : upperProtocol(b, ipAt, l4);
        int check = 0;
        int checkAt = -1;
        if (p == ConntrackTable.PROTO_TCP) {
            checkAt = l4 + 16;
        } else if (p == ConntrackTable.PROTO_UDP) {
            checkAt = l4 + 6;
        }
        if (checkAt >= 0) {
            check = b.getShort(checkAt, NET) & 0xFFFF;
        }
        for (int i = 0; i < 4; i++) {
            final int nw = i == 0 ? w0 : i == 1 ? w1 : i == 2 ? w2 : w3;
            final int old = b.getInt(addrAt + 4 * i, NET);
            b.putInt(addrAt + 4 * i, nw, NET);
            check = InetChecksum.replace32(check, old, nw);
        }
        if (checkAt < 0) {
            return;
        }
        final int portAt = l4 + (source ? 0 : 2);
        final int oldPort = b.getShort(portAt, NET) & 0xFFFF;
        b.putShort(portAt, (short) port, NET);
        check = InetChecksum.replace16(check, oldPort, port);
        if (p == ConntrackTable.PROTO_UDP && check == 0) {
            check = 0xFFFF;
        }
        b.putShort(checkAt, (short) check, NET);
    }

    private static int upperProtocol(final MutableDirectBuffer b, final int ipAt, final int l4) {
        // the header before the upper-layer header names it: the IPv6 header itself when there are no
        // extension headers
        if (l4 == ipAt + 40) {
            return b.getByte(ipAt + 6) & 0xFF;
        }
        int nh = b.getByte(ipAt + 6) & 0xFF;
        int at = ipAt + 40;
        while (at < l4) {
            final int next = b.getByte(at) & 0xFF;
            final int len = b.getByte(at + 1) & 0xFF;
            at += nh == 51 ? (len + 2) << 2 : nh == 44 ? 8 : (len + 1) << 3;
            nh = next;
        }
        return nh;
    }

    /**
     * Rewrites a packet's source or destination address and port.
     *
     * @param store the packets
     * @param handle an IPv4 TCP or UDP packet, network offset set
     * @param source true for the source (SNAT), false for the destination
     * @param address the new address
     * @param port the new port
     */
    public static void rewrite(final PacketStore store, final int handle, final boolean source, final int address,
        final int port) {
        final MutableDirectBuffer b = store.buffer();
        final int ipAt = store.networkHeaderOffset(handle);
        final int addrAt = ipAt + (source ? 12 : 16);
        final int oldAddr = b.getInt(addrAt, NET);
        b.putInt(addrAt, address, NET);
        final int ipCheckAt = ipAt + 10;
        b.putShort(ipCheckAt, (short) InetChecksum.replace32(b.getShort(ipCheckAt, NET) & 0xFFFF, oldAddr, address),
            NET);
        final int frag = b.getShort(ipAt + 6, NET) & 0x1FFF;
        if (frag != 0) {
            return;
        }
        final int p = b.getByte(ipAt + 9) & 0xFF;
        final int l4 = ipAt + (b.getByte(ipAt) & 0x0F) * 4;
        final int portAt = l4 + (source ? 0 : 2);
        final int oldPort = b.getShort(portAt, NET) & 0xFFFF;
        b.putShort(portAt, (short) port, NET);
        final int checkAt;
        if (p == ConntrackTable.PROTO_TCP) {
            checkAt = l4 + 16;
        } else if (p == ConntrackTable.PROTO_UDP) {
            checkAt = l4 + 6;
            if ((b.getShort(checkAt, NET) & 0xFFFF) == 0) {
                return;
            }
        } else {
            return;
        }
        int check = b.getShort(checkAt, NET) & 0xFFFF;
        check = InetChecksum.replace32(check, oldAddr, address);
        check = InetChecksum.replace16(check, oldPort, port);
        if (p == ConntrackTable.PROTO_UDP && check == 0) {
            check = 0xFFFF;
        }
        b.putShort(checkAt, (short) check, NET);
    }
}
