package io.pktsim.stack.conntrack;

import io.pktsim.core.header.FrameBytes;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.PacketLayout;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

/**
 * Rewrites the addresses and ports of a NATed connection's packets in place, with incremental checksum
 * updates, as {@code nf_nat_ipv4_manip_pkt} with {@code tcp_manip_pkt} / {@code udp_manip_pkt}
 * (net/netfilter/nf_nat_proto.c, Linux 6.18) do: the IPv4 header checksum for the address, the TCP/UDP
 * checksum for the pseudo-header address and the port ({@code inet_proto_csum_replace4/2}); a UDP checksum of
 * 0 (none) stays 0 and a result of 0 becomes 0xFFFF ({@code CSUM_MANGLED_0}). Allocation-free.
 */
public final class NatMangle {

    private static final long LOW32 = 0xFFFFFFFFL;

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
            // the reply's destination for an original packet's source, the original's source for a reply's
            // destination
            final int address = orig ? ConntrackTable.ADDRESS_REPLY_DST : ConntrackTable.ADDRESS_ORIG_SRC;
            final long hi = table.addressHi(e, address);
            final long lo = table.addressLo(e, address);
            final long ipAt = table.nat6HeaderAt(handle, ref);
            if (ipAt >= 0) {
                mangle6Tracked(store.buffer().byteArray(), ipAt, table.nat6Proto(), orig, hi, lo, port,
                    table.natCsumDelta(ref));
            } else {
                rewrite6(store, handle, orig, hi, lo, port);
            }
        }
        return true;
    }

    /**
     * {@link #mangle6} of a packet whose addresses and ports the table has just matched to the connection's tuple
     * ({@link ConntrackTable#nat6HeaderAt}): the old address and port are the tuple's, so the checksum takes the
     * connection's folded RFC 1624 terms ({@link ConntrackTable#natCsumDelta(int)}) in one add, the value
     * {@code inet_proto_csum_replace16} and {@code _replace2} give (see {@link #rewrite6(PacketStore, int, boolean,
     * long, long, int)}), and the UDP result 0 becomes 0xFFFF as there.
     *
     * @param a the store's byte array
     * @param ip the IPv6 header's address, the TCP or UDP header right after it, both in the packet's slot
     * @param p the transport protocol (TCP or UDP)
     * @param source true for the source (SNAT), false for the destination
     * @param hi the new address, high 64 bits
     * @param lo the new address, low 64 bits
     * @param port the new port
     * @param delta the folded terms of the rewrite
     */
    private static void mangle6Tracked(final byte[] a, final long ip, final int p, final boolean source,
        final long hi, final long lo, final int port, final int delta) {
        final long addrAt = ip + (source ? 8 : 24);
        FrameBytes.putLong(a, addrAt, hi);
        FrameBytes.putLong(a, addrAt + 8, lo);
        final long l4 = ip + 40;
        FrameBytes.putShort(a, l4 + (source ? 0 : 2), (short) port);
        final long checkAt = l4 + (p == ConntrackTable.PROTO_TCP ? 16 : 6);
        // ~HC + delta is at most 0x1FFFE: two end-around carries fold it, as InetChecksum.fold would
        int sum = (~FrameBytes.getShort(a, checkAt) & 0xFFFF) + delta;
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        int check = ~sum & 0xFFFF;
        if (p == ConntrackTable.PROTO_UDP && check == 0) {
            check = 0xFFFF;
        }
        FrameBytes.putShort(a, checkAt, (short) check);
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
        rewrite6(store, handle, source, (long) w0 << 32 | (w1 & 0xFFFFFFFFL), (long) w2 << 32 | (w3 & 0xFFFFFFFFL),
            port);
    }

    /**
     * {@link #rewrite6(PacketStore, int, boolean, int, int, int, int, int)} with the address as two longs, most
     * significant first. The checksum takes the eight changed 16-bit words of the address and the port in one sum,
     * folded once: {@code ~fold(~HC + delta ...)} (RFC 1624 eqn. 3), the value {@code inet_proto_csum_replace16}
     * and {@code _replace2} give one after the other (a ones' complement fold of a partial fold is the fold of the
     * whole sum).
     */
    static void rewrite6(final PacketStore store, final int handle, final boolean source, final long hi,
        final long lo, final int port) {
        final MutableDirectBuffer b = store.buffer();
        final byte[] a = b.byteArray();
        // the offsets from the packet's metadata, its slot checked once
        final int slot = store.slotOffset(handle);
        final long meta = b.addressOffset() + slot;
        final int dataOff = UnsafeApi.getShort(a, meta + PacketLayout.DATA_OFFSET_OFFSET);
        final int net = UnsafeApi.getShort(a, meta + PacketLayout.NETWORK_OFFSET_OFFSET);
        final int tr = UnsafeApi.getShort(a, meta + PacketLayout.TRANSPORT_OFFSET_OFFSET);
        if (net >= 0 && tr == net + 40 && dataOff >= 0 && dataOff + tr + 18 <= store.dataCapacity()) {
            // no extension header, and the IPv6 header and a TCP header's first 18 bytes (UDP's 8) in the slot:
            // the same bytes without a range check each
            final long ip = meta + PacketLayout.META_LENGTH + dataOff + net;
            mangle6(a, FrameBytes.getByte(a, ip + 6) & 0xFF, ip + (source ? 8 : 24), ip + 40, source, hi, lo, port);
        } else {
            rewrite6Checked(b, slot + PacketLayout.META_LENGTH + dataOff, net, tr, source, hi, lo, port);
        }
    }

    /**
     * {@link #rewrite6} of a packet with extension headers, or without its offsets, or with its headers near the
     * end of its slot: the headers found by a walk and range-checked ({@code frame} the frame's buffer offset).
     */
    private static void rewrite6Checked(final MutableDirectBuffer b, final int frame, final int net, final int tr,
        final boolean source, final long hi, final long lo, final int port) {
        final int ipAt = frame + net;
        final int l4At = frame + tr;
        final int p = tr < 0 ? -1 : upperProtocol(b, ipAt, l4At);
        // one range check for the IPv6 header and one for the transport header's ports and checksum
        final long addrAt = FrameBytes.address(b, ipAt, 40) + (source ? 8 : 24);
        final long l4 = p == ConntrackTable.PROTO_TCP || p == ConntrackTable.PROTO_UDP
            ? FrameBytes.address(b, l4At, p == ConntrackTable.PROTO_TCP ? 18 : 8) : -1;
        mangle6(b.byteArray(), p, addrAt, l4, source, hi, lo, port);
    }

    /**
     * {@link #rewrite6}'s rewrite once the header's place is known: the address at {@code addrAt}, and for TCP or
     * UDP ({@code p}) the port and the checksum of the transport header at {@code l4}.
     */
    private static void mangle6(final byte[] a, final int p, final long addrAt, final long l4, final boolean source,
        final long hi, final long lo, final int port) {
        final boolean hasCheck = p == ConntrackTable.PROTO_TCP || p == ConntrackTable.PROTO_UDP;
        final long oldHi = FrameBytes.getLong(a, addrAt);
        final long oldLo = FrameBytes.getLong(a, addrAt + 8);
        FrameBytes.putLong(a, addrAt, hi);
        FrameBytes.putLong(a, addrAt + 8, lo);
        if (!hasCheck) {
            return;
        }
        final long checkAt = l4 + (p == ConntrackTable.PROTO_TCP ? 16 : 6);
        final long portAt = l4 + (source ? 0 : 2);
        final int oldPort = FrameBytes.getShort(a, portAt) & 0xFFFF;
        FrameBytes.putShort(a, portAt, (short) port);
        // the address words 32 bits at a time: a 32-bit term is congruent modulo 0xFFFF to the sum of its two 16-bit
        // halves (2^16 = 1) and is 0 only when both are, so the fold is the one of the 16-bit sum
        final long notOldHi = ~oldHi;
        final long notOldLo = ~oldLo;
        final long sum = (~FrameBytes.getShort(a, checkAt) & 0xFFFF)
            + (notOldHi >>> 32) + (notOldHi & LOW32) + (hi >>> 32) + (hi & LOW32)
            + (notOldLo >>> 32) + (notOldLo & LOW32) + (lo >>> 32) + (lo & LOW32)
            + (~oldPort & 0xFFFF) + (port & 0xFFFF);
        int check = ~InetChecksum.fold(sum) & 0xFFFF;
        if (p == ConntrackTable.PROTO_UDP && check == 0) {
            check = 0xFFFF;
        }
        FrameBytes.putShort(a, checkAt, (short) check);
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
        final byte[] a = b.byteArray();
        final int ipAt = store.networkHeaderOffset(handle);
        // one range check for the IPv4 header and one for the transport header's ports and checksum
        final long ip = FrameBytes.address(b, ipAt, 20);
        final long addrAt = ip + (source ? 12 : 16);
        final int oldAddr = FrameBytes.getInt(a, addrAt);
        FrameBytes.putInt(a, addrAt, address);
        final long ipCheckAt = ip + 10;
        FrameBytes.putShort(a, ipCheckAt,
            (short) InetChecksum.replace32(FrameBytes.getShort(a, ipCheckAt) & 0xFFFF, oldAddr, address));
        final int frag = FrameBytes.getShort(a, ip + 6) & 0x1FFF;
        if (frag != 0) {
            return;
        }
        final int p = FrameBytes.getByte(a, ip + 9) & 0xFF;
        final int l4At = ipAt + (FrameBytes.getByte(a, ip) & 0x0F) * 4;
        final long l4 = FrameBytes.address(b, l4At,
            p == ConntrackTable.PROTO_TCP ? 18 : p == ConntrackTable.PROTO_UDP ? 8 : 4);
        final long portAt = l4 + (source ? 0 : 2);
        final int oldPort = FrameBytes.getShort(a, portAt) & 0xFFFF;
        FrameBytes.putShort(a, portAt, (short) port);
        final long checkAt;
        if (p == ConntrackTable.PROTO_TCP) {
            checkAt = l4 + 16;
        } else if (p == ConntrackTable.PROTO_UDP) {
            checkAt = l4 + 6;
            if ((FrameBytes.getShort(a, checkAt) & 0xFFFF) == 0) {
                return;
            }
        } else {
            return;
        }
        int check = FrameBytes.getShort(a, checkAt) & 0xFFFF;
        check = InetChecksum.replace32(check, oldAddr, address);
        check = InetChecksum.replace16(check, oldPort, port);
        if (p == ConntrackTable.PROTO_UDP && check == 0) {
            check = 0xFFFF;
        }
        FrameBytes.putShort(a, checkAt, (short) check);
    }
}
