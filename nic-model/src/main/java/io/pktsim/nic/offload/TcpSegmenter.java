package io.pktsim.nic.offload;

import java.nio.ByteOrder;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/**
 * Cuts a TCP super-packet (gso_size &gt; 0), or a UDP one (below), into wire segments, as {@code tcp_gso_segment()}
 * (net/ipv4/tcp_offload.c), {@code skb_segment()} (net/core/skbuff.c), {@code inet_gso_segment()}
 * (net/ipv4/af_inet.c) and {@code ipv6_gso_segment()} (net/ipv6/ip6_offload.c) do in Linux 6.18, and as TSO
 * hardware does following the same rules. Shared by software GSO (stack) and TSO (this package).
 *
 * <p>Rules: payload cut at gso_size, the last segment carrying the remainder; every header (Ethernet, IP,
 * IPv6 extension headers, TCP with its options) copied; segment i has {@code seq + i * gso_size}; FIN and PSH
 * only on the last segment; CWR only on the first unless {@code SKB_GSO_TCP_ACCECN}; IPv4 IDs {@code ID + i}
 * per level unless that level is fixed-ID ({@code SKB_GSO_TCP_FIXEDID} for the outer or only header,
 * {@code SKB_GSO_TCP_FIXEDID_INNER} for the inner one: 6.18 restores outer IDs by their own bit); IPv4 total
 * length and header checksum, IPv6 payload length rewritten; TCP checksum: the pseudo-header sum only
 * (CHECKSUM_PARTIAL, when the device checksums) or the full checksum computed in software.
 *
 * <p>Fraglist super-packets ({@code SKB_GSO_FRAGLIST}, from fraglist GRO) are split back into their listed segments
 * ({@code skb_segment_list()} and {@code __tcpv4_gso_segment_list_csum()}): each keeps its own headers; the head's
 * Ethernet header, addresses and ports (changed by NAT) are copied to every segment, its TTL / hop limit is not
 * (forwarding decremented the head's alone: a later segment leaves with the TTL it came with), and {@code
 * inet_gso_segment()} numbers each IPv4 level's ID from the head's ({@code iph->id = htons(id++)}), as the live kernel
 * does (lb's {@code RouterFraglistLiveKernelTest}). A UDP one ({@code SKB_GSO_UDP_L4}, {@code __udp_gso_segment_list()}
 * in net/ipv4/udp_offload.c) is split the same way: the head's UDP length becomes its own again ({@code sizeof(struct
 * udphdr) + gso_size}) and a segment whose addresses or ports the head's replace has its UDP checksum updated for them
 * ({@code __udpv4_gso_segment_list_csum()} / {@code __udpv6_gso_segment_list_csum()}; a zero checksum stays 0).
 *
 * <p>UDP GSO proper ({@code SKB_GSO_UDP_L4} without {@code SKB_GSO_FRAGLIST}: a {@code UDP_SEGMENT} send, or an
 * aggregate of {@code rx-udp-gro-forwarding}) is cut as {@code __udp_gso_segment()} (net/ipv4/udp_offload.c, 6.18)
 * does: the payload at gso_size, the last datagram carrying the remainder; every header copied; each datagram's UDP
 * length {@code sizeof(struct udphdr)} plus its payload; its checksum the pseudo-header sum with that length
 * (CHECKSUM_PARTIAL) or the full checksum, 0xFFFF where that computes to 0 ({@code CSUM_MANGLED_0}); IPv4 IDs
 * {@code ID + i} (UDP has no fixed-ID bit), IPv4 total length and header checksum, IPv6 payload length rewritten.
 *
 * <p>Segments are new packets of the same store, chained with {@code PacketStore.next} from {@link #first()};
 * the super-packet is left to the caller. Payload bytes the super-packet stores are copied into the segments
 * (as far as a slot holds them); the rest reads as zeros, as everywhere in the store. Allocation-free.
 */
public final class TcpSegmenter {

    /**
     * Result: the packet is not a GSO packet the segmenter understands (offsets unset, a malformed TCP header, a UDP
     * header beyond the stored bytes, or a UDP fraglist aggregate without its list).
     */
    public static final int ERR_NOT_TCP = -1;
    /** Result: the payload does not exceed gso_size ({@code tcp_gso_segment()} rejects it). */
    public static final int ERR_TOO_SMALL = -2;
    /** Result: the store ran out of slots; nothing was produced. */
    public static final int ERR_NO_SLOT = -3;

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final long U32 = 0xFFFFFFFFL;
    /** {@code sizeof(struct udphdr)}. */
    private static final int UDP_HLEN = 8;
    // metadata fields a segment copies (differsFromFresh / copyMeta)
    private static final int M_PROTOCOL = 1;
    private static final int M_HASH = 1 << 1;
    private static final int M_INGRESS = 1 << 2;
    private static final int M_EGRESS = 1 << 3;
    private static final int M_MARK = 1 << 4;
    private static final int M_ARRIVAL = 1 << 5;
    private static final int M_TIMESTAMP = 1 << 6;
    private static final int M_QUEUE = 1 << 7;
    private static final int M_CONNTRACK = 1 << 8;
    private static final int M_FLAGS = 1 << 9;
    private static final int M_CSUM = 1 << 10;

    private final PacketStore store;
    private final MutableDirectBuffer buf;
    private int first = PacketStore.NO_PACKET;

    /**
     * Creates a segmenter.
     *
     * @param store the store of super-packets and segments
     */
    public TcpSegmenter(final PacketStore store) {
        this.store = store;
        this.buf = store.buffer();
    }

    /** @return the first segment produced by the last successful call, chained by {@code next} */
    public int first() {
        return first;
    }

    /**
     * Segments a super-packet. Its network and transport offsets (and inner network offset for IP-in-IP) must
     * be set, its gso_size &gt; 0.
     *
     * @param handle the super-packet (left untouched except for its {@code next} field)
     * @param checksumOffload true: segments leave CHECKSUM_PARTIAL with the pseudo-header sum; false: full
     *     software checksums
     * @return the number of segments (chained from {@link #first()}), or {@link #ERR_NOT_TCP},
     *     {@link #ERR_TOO_SMALL}, {@link #ERR_NO_SLOT}
     */
    public int segment(final int handle, final boolean checksumOffload) {
        first = PacketStore.NO_PACKET;
        final PacketStore s = store;
        final MutableDirectBuffer b = buf;
        final int netOff = s.networkOffset(handle);
        final int l4Off = s.transportOffset(handle);
        final int mss = s.gsoSize(handle);
        if (netOff < 0 || l4Off <= netOff || mss <= 0) {
            return ERR_NOT_TCP;
        }
        final int f = s.frameOffset(handle);
        final int len = s.length(handle);
        final int type = s.gsoType(handle);
        final boolean list = (type & PacketStore.GSO_FRAGLIST) != 0 && s.next(handle) != PacketStore.NO_PACKET;
        final boolean udp = (type & PacketStore.GSO_UDP_L4) != 0;
        if (udp && (type & PacketStore.GSO_FRAGLIST) != 0) {
            return list && Math.min(s.storedLength(handle), len) >= l4Off + UDP_HLEN ? segmentList(handle)
                : ERR_NOT_TCP;
        }
        final int thlen = udp ? UDP_HLEN : (b.getByte(f + l4Off + 12) & 0xF0) >>> 2;
        final int hdrLen = l4Off + thlen;
        if (!udp && thlen < 20 || len < hdrLen || Math.min(s.storedLength(handle), len) < hdrLen) {
            return ERR_NOT_TCP;
        }
        if (list) {
            return segmentList(handle);
        }
        final int payload = len - hdrLen;
        if (payload <= mss) {
            return ERR_TOO_SMALL;
        }
        final int nseg = (payload + mss - 1) / mss;
        final int innerOff = s.innerNetworkOffset(handle);
        final boolean fixedOuter = (type & PacketStore.GSO_TCP_FIXEDID) != 0;
        final boolean fixedInner = (type & PacketStore.GSO_TCP_FIXEDID_INNER) != 0;
        final boolean accecn = (type & PacketStore.GSO_TCP_ACCECN) != 0;
        final int storedPayload = Math.max(0, Math.min(s.storedLength(handle), len) - hdrLen);
        // per super-packet constants: the metadata every segment copies, and the checksum sums of the header
        // words that do not change from segment to segment (same integer sums as a full pass, so same results)
        final int outerAt = f + netOff;
        final boolean outerV4 = (b.getByte(outerAt) & 0xF0) == 0x40;
        final long outerBase = outerV4 ? ipv4Base(outerAt) : 0;
        final int outerId = outerV4 ? b.getShort(outerAt + 4, NET) & 0xFFFF : 0;
        final int innerAt = innerOff >= 0 ? f + innerOff : -1;
        final boolean innerV4 = innerAt >= 0 && (b.getByte(innerAt) & 0xF0) == 0x40;
        final long innerBase = innerV4 ? ipv4Base(innerAt) : 0;
        final int innerId = innerV4 ? b.getShort(innerAt + 4, NET) & 0xFFFF : 0;
        final int csumIp = innerAt >= 0 ? innerAt : outerAt;
        final long addrSum = (b.getByte(csumIp) & 0xF0) == 0x40
            ? (b.getInt(csumIp + 12, NET) & U32) + (b.getInt(csumIp + 16, NET) & U32)
            : InetChecksum.sum(b, csumIp + 8, 16, InetChecksum.sum(b, csumIp + 24, 16, 0));
        final int t0 = f + l4Off;
        final int seq0 = udp ? 0 : b.getInt(t0 + 4, NET);
        final int word12 = udp ? 0 : b.getInt(t0 + 12, NET);
        final int flags0 = (word12 >>> 16) & 0xFF;
        // the transport header's words that do not change: TCP's but the sequence, flags and checksum; UDP's ports
        final long l4Base = udp ? b.getInt(t0, NET) & U32 : InetChecksum.sum(b, t0, thlen, 0) - (seq0 & U32)
            - (word12 & U32) - ((long) (b.getShort(t0 + 16, NET) & 0xFFFF) << 16);
        final int proto = udp ? 17 : 6;
        final int csumAt = udp ? 6 : 16;
        final int innerLenDelta = innerOff - netOff;
        // a fresh slot's metadata is the same for every segment: fields the super-packet has at those values are
        // not written again (decided on the first segment)
        int fresh = -1;
        int room = 0;
        int prev = PacketStore.NO_PACKET;
        for (int i = 0; i < nseg; i++) {
            final int g = s.allocate();
            if (g == PacketStore.NO_PACKET) {
                freeChain(first);
                first = PacketStore.NO_PACKET;
                return ERR_NO_SLOT;
            }
            if (fresh < 0) {
                fresh = differsFromFresh(handle, g, checksumOffload);
                room = s.dataCapacity() - s.headroom(g);
            }
            final int segPayload = i == nseg - 1 ? payload - i * mss : mss;
            int copy = Math.min(segPayload, Math.max(0, storedPayload - i * mss));
            copy = Math.max(0, Math.min(copy, room - hdrLen));
            final int gf = s.frameOffset(g);
            b.putBytes(gf, b, f, hdrLen);
            if (copy > 0) {
                b.putBytes(gf + hdrLen, b, f + hdrLen + i * mss, copy);
            }
            s.storedLength(g, hdrLen + copy);
            s.length(g, hdrLen + segPayload);
            s.networkOffset(g, netOff);
            s.transportOffset(g, l4Off);
            s.innerNetworkOffset(g, innerOff);
            if (fresh != 0) {
                copyMeta(handle, g, fresh);
            }
            // IP levels: lengths, IDs (ID + i unless that level is fixed-ID), header checksums
            final int segIpLen = l4Off - netOff + thlen + segPayload;
            if (outerV4) {
                putIpv4(gf + netOff, outerBase, segIpLen, fixedOuter ? outerId : (outerId + i) & 0xFFFF);
            } else {
                b.putShort(gf + netOff + 4, (short) (segIpLen - 40), NET);
            }
            if (innerAt >= 0) {
                final int innerLen = segIpLen - innerLenDelta;
                if (innerV4) {
                    putIpv4(gf + innerOff, innerBase, innerLen, fixedInner ? innerId : (innerId + i) & 0xFFFF);
                } else {
                    b.putShort(gf + innerOff + 4, (short) (innerLen - 40), NET);
                }
            }
            final int t = gf + l4Off;
            final long pseudo = addrSum + proto + (thlen + segPayload);
            long sum;
            if (udp) {
                // __udp_gso_segment(): uh->len = sizeof(struct udphdr) + the segment's payload
                b.putShort(t + 4, (short) (UDP_HLEN + segPayload), NET);
                sum = pseudo + l4Base + UDP_HLEN + segPayload;
            } else {
                // TCP: seq + i * gso_size; FIN and PSH on the last segment only; CWR on the first unless AccECN
                final int seq = seq0 + i * mss;
                int segFlags = flags0;
                if (i != nseg - 1) {
                    segFlags &= ~0x09;
                }
                if (i != 0 && !accecn) {
                    segFlags &= ~0x80;
                }
                b.putInt(t + 4, seq, NET);
                b.putByte(t + 13, (byte) segFlags);
                sum = pseudo + l4Base + (seq & U32) + (((word12 & 0xFF00FFFF) | (segFlags << 16)) & U32);
            }
            if (checksumOffload) {
                b.putShort(t + csumAt, (short) InetChecksum.fold(pseudo), NET);
            } else {
                if (copy > 0) {
                    sum = InetChecksum.sum(b, t + thlen, copy, sum);
                }
                final int c = InetChecksum.finish(sum);
                // a UDP checksum that computes to 0 is sent as 0xFFFF (CSUM_MANGLED_0): 0 means none
                b.putShort(t + csumAt, (short) (udp && c == 0 ? 0xFFFF : c), NET);
            }
            if ((fresh & M_CSUM) != 0) {
                s.checksumState(g, checksumOffload ? ChecksumState.PARTIAL : ChecksumState.NONE);
            }
            if (prev == PacketStore.NO_PACKET) {
                first = g;
            } else {
                s.next(prev, g);
            }
            prev = g;
        }
        return nseg;
    }

    /**
     * Which of the metadata fields a segment copies from its super-packet differ from a freshly allocated slot's
     * (slot g): a mask of M_ bits. The checksum state counts as differing unless the fresh slot already has the
     * state the segments leave with.
     */
    private int differsFromFresh(final int from, final int g, final boolean checksumOffload) {
        final PacketStore s = store;
        int m = 0;
        m |= s.protocol(g) != s.protocol(from) ? M_PROTOCOL : 0;
        m |= s.hash(g) != s.hash(from) || s.hashType(g) != s.hashType(from) ? M_HASH : 0;
        m |= s.ingressDevice(g) != s.ingressDevice(from) ? M_INGRESS : 0;
        m |= s.egressDevice(g) != s.egressDevice(from) ? M_EGRESS : 0;
        m |= s.mark(g) != s.mark(from) ? M_MARK : 0;
        m |= s.arrivalNs(g) != s.arrivalNs(from) ? M_ARRIVAL : 0;
        m |= s.timestampNs(g) != s.timestampNs(from) ? M_TIMESTAMP : 0;
        m |= s.queueMapping(g) != s.queueMapping(from) ? M_QUEUE : 0;
        m |= s.conntrack(g) != s.conntrack(from) ? M_CONNTRACK : 0;
        m |= s.flags(g) != (s.flags(from) & ~PacketStore.FLAG_GRO_MERGED) ? M_FLAGS : 0;
        m |= s.checksumState(g) != (checksumOffload ? ChecksumState.PARTIAL : ChecksumState.NONE) ? M_CSUM : 0;
        return m;
    }

    /** Copies the metadata fields of mask m (M_ bits) from the super-packet to segment g. */
    private void copyMeta(final int from, final int g, final int m) {
        final PacketStore s = store;
        if ((m & M_PROTOCOL) != 0) {
            s.protocol(g, s.protocol(from));
        }
        if ((m & M_HASH) != 0) {
            s.hash(g, s.hash(from), s.hashType(from));
        }
        if ((m & M_INGRESS) != 0) {
            s.ingressDevice(g, s.ingressDevice(from));
        }
        if ((m & M_EGRESS) != 0) {
            s.egressDevice(g, s.egressDevice(from));
        }
        if ((m & M_MARK) != 0) {
            s.mark(g, s.mark(from));
        }
        if ((m & M_ARRIVAL) != 0) {
            s.arrivalNs(g, s.arrivalNs(from));
        }
        if ((m & M_TIMESTAMP) != 0) {
            s.timestampNs(g, s.timestampNs(from));
        }
        if ((m & M_QUEUE) != 0) {
            s.queueMapping(g, s.queueMapping(from));
        }
        if ((m & M_CONNTRACK) != 0) {
            s.conntrack(g, s.conntrack(from));
        }
        if ((m & M_FLAGS) != 0) {
            s.flags(g, s.flags(from) & ~PacketStore.FLAG_GRO_MERGED);
        }
    }

    /**
     * The sum of an IPv4 header's 32-bit words (network order) without its total length, ID and checksum fields,
     * so that a segment's checksum is this plus its own length and ID.
     */
    private long ipv4Base(final int at) {
        final MutableDirectBuffer b = buf;
        final int ihl = (b.getByte(at) & 0x0F) << 2;
        return InetChecksum.sum(b, at, ihl, 0) - (b.getShort(at + 2, NET) & 0xFFFF)
            - ((long) (b.getShort(at + 4, NET) & 0xFFFF) << 16) - (b.getShort(at + 10, NET) & 0xFFFF);
    }

    /** Writes a segment's IPv4 total length, ID and header checksum, given the header's {@link #ipv4Base}. */
    private void putIpv4(final int at, final long base, final int ipLen, final int id) {
        final MutableDirectBuffer b = buf;
        final int len16 = ipLen & 0xFFFF;
        b.putShort(at + 2, (short) len16, NET);
        b.putShort(at + 4, (short) id, NET);
        b.putShort(at + 10, (short) InetChecksum.finish(base + len16 + ((long) id << 16)), NET);
    }

    private void checksum(final int g, final int ipAt, final int t, final int tcpLen, final boolean offload) {
        final MutableDirectBuffer b = buf;
        final long pseudo = (b.getByte(ipAt) & 0xF0) == 0x40
            ? InetChecksum.pseudoIpv4(b.getInt(ipAt + 12, NET), b.getInt(ipAt + 16, NET), 6, tcpLen)
            : InetChecksum.pseudoIpv6(b, ipAt + 8, ipAt + 24, 6, tcpLen);
        if (offload) {
            b.putShort(t + 16, (short) InetChecksum.fold(pseudo), NET);
            store.checksumState(g, ChecksumState.PARTIAL);
        } else {
            b.putShort(t + 16, (short) 0);
            final int frameStart = store.frameOffset(g);
            final int storedTcp = Math.min(tcpLen, store.storedLength(g) - (t - frameStart));
            b.putShort(t + 16, (short) InetChecksum.finish(InetChecksum.sum(b, t, storedTcp, pseudo)), NET);
            store.checksumState(g, ChecksumState.NONE);
        }
    }

    private void fixIp(final int at, final int ipLen, final int idDelta) {
        final MutableDirectBuffer b = buf;
        if ((b.getByte(at) & 0xF0) == 0x40) {
            b.putShort(at + 2, (short) ipLen, NET);
            if (idDelta != 0) {
                b.putShort(at + 4, (short) (b.getShort(at + 4, NET) + idDelta), NET);
            }
            b.putShort(at + 10, (short) 0);
            final int ihl = (b.getByte(at) & 0x0F) << 2;
            b.putShort(at + 10, (short) InetChecksum.finish(InetChecksum.sum(b, at, ihl, 0)), NET);
        } else {
            b.putShort(at + 4, (short) (ipLen - 40), NET);
        }
    }

    /** Splits a fraglist aggregate (TCP, or UDP with {@code SKB_GSO_UDP_L4}) back into its listed segments. */
    private int segmentList(final int head) {
        final PacketStore s = store;
        final MutableDirectBuffer b = buf;
        final int hf = s.frameOffset(head);
        final int netOff = s.networkOffset(head);
        final int l4Off = s.transportOffset(head);
        final int innerOff = s.innerNetworkOffset(head);
        final boolean udp = (s.gsoType(head) & PacketStore.GSO_UDP_L4) != 0;
        final int l4Hlen = udp ? UDP_HLEN : (b.getByte(hf + l4Off + 12) & 0xF0) >>> 2;
        final int headLen = l4Off + l4Hlen + s.gsoSize(head);
        final int ipAt = innerOff >= 0 ? innerOff : netOff;
        int n = 1;
        // the head becomes the first segment again
        s.length(head, headLen);
        s.storedLength(head, Math.min(s.storedLength(head), headLen));
        fixIp(hf + netOff, headLen - netOff, 0);
        if (innerOff >= 0) {
            fixIp(hf + innerOff, headLen - innerOff, 0);
        }
        if (udp) {
            // __udp_gso_segment_list(): udp_hdr(skb)->len = htons(sizeof(struct udphdr) + mss)
            b.putShort(hf + l4Off + 4, (short) (UDP_HLEN + s.gsoSize(head)), NET);
        }
        for (int g = s.next(head); g != PacketStore.NO_PACKET; g = s.next(g)) {
            final int gf = s.frameOffset(g);
            final int gl3 = s.networkOffset(g);
            // skb_segment_list(): the head's link header replaces the segment's
            if (gl3 == netOff) {
                b.putBytes(gf, b, hf, netOff);
            }
            final int gIp = gf + (innerOff >= 0 ? s.innerNetworkOffset(g) : gl3);
            final int hIp = hf + ipAt;
            final int gl4 = gf + s.transportOffset(g);
            final int hl4 = hf + l4Off;
            // the UDP checksum's terms for the addresses and ports about to be replaced (before they are)
            final long udpDelta = udp ? udpListDelta(gIp, hIp, gl4, hl4) : 0;
            // __tcpv4_gso_segment_list_csum() and its twins: the head's addresses and ports (NAT); the TTL / hop
            // limit stays the segment's own (ip_forward() decremented the head's alone)
            boolean changed = false;
            if ((b.getByte(hIp) & 0xF0) == 0x40) {
                changed = b.getLong(gIp + 12) != b.getLong(hIp + 12);
                b.putLong(gIp + 12, b.getLong(hIp + 12));
            } else {
                for (int k = 8; k < 40; k += 8) {
                    changed |= b.getLong(gIp + k) != b.getLong(hIp + k);
                    b.putLong(gIp + k, b.getLong(hIp + k));
                }
            }
            changed |= b.getInt(gl4) != b.getInt(hl4);
            b.putInt(gl4, b.getInt(hl4));
            if (gIp != gf + gl3) {
                final int outer = gf + gl3;
                b.putLong(outer + 12, b.getLong(hf + netOff + 12));
            }
            // inet_gso_segment(): each IPv4 level's ID numbered from the head's (a fraglist aggregate carries no
            // SKB_GSO_TCP_FIXEDID)
            numberId(gf + gl3, hf + netOff, n);
            if (gIp != gf + gl3) {
                numberId(gIp, hIp, n);
            }
            fixIp(gf + gl3, s.length(g) - gl3, 0);
            if (gIp != gf + gl3) {
                fixIp(gIp, s.length(g) - (gIp - gf), 0);
            }
            if (udp) {
                udpListChecksum(gl4, udpDelta);
            } else if (changed) {
                final int tcpLen = s.length(g) - (gl4 - gf);
                checksum(g, gIp, gl4, tcpLen, false);
            }
            s.gsoSize(g, 0);
            s.gsoSegs(g, 0);
            s.gsoType(g, 0);
            n++;
        }
        s.gsoSize(head, 0);
        s.gsoSegs(head, 0);
        s.gsoType(head, 0);
        s.clearFlag(head, PacketStore.FLAG_GRO_MERGED);
        first = head;
        return n;
    }

    /**
     * {@code inet_gso_segment()} (net/ipv4/af_inet.c, 6.18) for listed segment i of a fraglist aggregate: the IPv4
     * header at {@code at} gets the ID of the head's at {@code headAt} plus i ({@code iph->id = htons(id++)}); an IPv6
     * header has none.
     */
    private void numberId(final int at, final int headAt, final int i) {
        final MutableDirectBuffer b = buf;
        if ((b.getByte(at) & 0xF0) == 0x40 && (b.getByte(headAt) & 0xF0) == 0x40) {
            b.putShort(at + 4, (short) (b.getShort(headAt + 4, NET) + i), NET);
        }
    }

    /**
     * The RFC 1624 terms ({@link InetChecksum#delta32}) of the addresses (IPv4 or IPv6, at gIp and hIp) and ports (at
     * gl4 and hl4) of a listed UDP segment and the head whose values replace them, or -1 if none differs.
     */
    private long udpListDelta(final int gIp, final int hIp, final int gl4, final int hl4) {
        final MutableDirectBuffer b = buf;
        final boolean v4 = (b.getByte(hIp) & 0xF0) == 0x40;
        final int from = v4 ? 12 : 8;
        final int to = v4 ? 20 : 40;
        long delta = InetChecksum.delta32(b.getInt(gl4, NET), b.getInt(hl4, NET));
        boolean differs = b.getInt(gl4) != b.getInt(hl4);
        for (int k = from; k < to; k += 4) {
            final int old = b.getInt(gIp + k, NET);
            final int now = b.getInt(hIp + k, NET);
            delta += InetChecksum.delta32(old, now);
            differs |= old != now;
        }
        return differs ? delta : -1;
    }

    /**
     * {@code __udpv4_gso_segment_csum()} / {@code __udpv6_gso_segment_csum()}: the UDP checksum at gl4 + 6 updated by
     * {@link #udpListDelta}'s terms (-1: nothing changed); a zero checksum (none) stays 0, a result of 0 is sent as
     * 0xFFFF ({@code CSUM_MANGLED_0}).
     */
    private void udpListChecksum(final int gl4, final long delta) {
        final MutableDirectBuffer b = buf;
        final int check = b.getShort(gl4 + 6, NET) & 0xFFFF;
        if (delta < 0 || check == 0) {
            return;
        }
        final int updated = ~InetChecksum.fold((~check & 0xFFFF) + delta) & 0xFFFF;
        b.putShort(gl4 + 6, (short) (updated == 0 ? 0xFFFF : updated), NET);
    }

    private void freeChain(final int from) {
        int g = from;
        while (g != PacketStore.NO_PACKET) {
            final int next = store.next(g);
            store.free(g);
            g = next;
        }
    }
}
