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
        if ((ref & 1) == 0) {
            rewrite(store, handle, true, table.tupleDst(e, 1), table.tuplePorts(e, 1) & 0xFFFF);
        } else {
            rewrite(store, handle, false, table.tupleSrc(e, 0), table.tuplePorts(e, 0) >>> 16);
        }
        return true;
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
