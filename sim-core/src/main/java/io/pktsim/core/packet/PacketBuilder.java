package io.pktsim.core.packet;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.header.PppoeView;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.header.UdpView;
import io.pktsim.core.header.VlanView;
import org.agrona.MutableDirectBuffer;

/**
 * Builds real frames into a {@link PacketStore}: Ethernet (or raw IP), up to two 802.1Q tags, a PPPoE
 * session header, an optional outer IPv4 header (IP-in-IP), IPv4 or IPv6, and TCP (with MSS, window scale,
 * SACK-permitted and timestamp options), UDP, or a bare protocol, followed by a payload that is counted and
 * reads as zeros unless {@link #storePayload(boolean)} asks for it to be written. Checksums are correct
 * for that payload unless asked otherwise ({@link #checksumMode(int)}).
 *
 * <p>A reusable, allocation-free fluent builder: {@link #reset()}, set what differs from the defaults,
 * {@link #build()}. One instance per thread.
 */
public final class PacketBuilder {

    /** Checksum mode: a correct L4 checksum. */
    public static final int CSUM_VALID = 0;
    /** Checksum mode: only the pseudo-header sum, as a sender using checksum offload leaves it. */
    public static final int CSUM_PARTIAL = 1;
    /** Checksum mode: a wrong L4 checksum (the correct one with its lowest bit flipped). */
    public static final int CSUM_BAD = 2;

    private static final int L4_NONE = 0;
    private static final int L4_TCP = 1;
    private static final int L4_UDP = 2;

    private final PacketStore store;
    private final EthernetView eth = new EthernetView();
    private final VlanView vlan = new VlanView();
    private final PppoeView pppoe = new PppoeView();
    private final Ipv4View ipv4 = new Ipv4View();
    private final Ipv6View ipv6 = new Ipv6View();
    private final TcpView tcp = new TcpView();
    private final UdpView udp = new UdpView();

    private boolean ethernet;
    private long srcMac;
    private long dstMac;
    private int vlanCount;
    private final int[] vlanIds = new int[2];
    private boolean pppoeOn;
    private int pppoeSession;
    private boolean outerIpv4;
    private int outerSrc;
    private int outerDst;
    private int family;
    private int v4Src;
    private int v4Dst;
    private long v6SrcHi;
    private long v6SrcLo;
    private long v6DstHi;
    private long v6DstLo;
    private int tos;
    private int ipId;
    private int fragWord;
    private int ttl;
    private int ipv4OptionBytes;
    private int flowLabel;
    private int hopByHopBytes;
    private int l4;
    private int protocol;
    private int srcPort;
    private int dstPort;
    private int seq;
    private int ack;
    private int tcpFlags;
    private int window;
    private int urgentPointer;
    private int mssOption;
    private int wscaleOption;
    private boolean sackPermOption;
    private boolean tsOption;
    private int tsVal;
    private int tsEcr;
    private int payloadBytes;
    private boolean storePayload;
    private byte payloadFill;
    private int checksumMode;
    private long arrivalNs;
    private int ingressDevice;

    /**
     * Creates a builder for a store.
     *
     * @param store where packets are built
     */
    public PacketBuilder(final PacketStore store) {
        this.store = store;
        reset();
    }

    /**
     * Back to the defaults: Ethernet 02:00:00:00:00:01 > 02:00:00:00:00:02, IPv4 10.0.0.1 > 10.0.0.2,
     * TTL 64, DF, id 0, TCP 40000 > 80 with ACK, seq 1, ack 1, window 65535, no options, no payload,
     * valid checksums.
     *
     * @return this builder
     */
    public PacketBuilder reset() {
        ethernet = true;
        srcMac = 0x0200_0000_0001L;
        dstMac = 0x0200_0000_0002L;
        vlanCount = 0;
        pppoeOn = false;
        outerIpv4 = false;
        family = FlowKey.FAMILY_IPV4;
        v4Src = 0x0A00_0001;
        v4Dst = 0x0A00_0002;
        v6SrcHi = 0x2001_0db8_0000_0000L;
        v6SrcLo = 1;
        v6DstHi = 0x2001_0db8_0000_0000L;
        v6DstLo = 2;
        tos = 0;
        ipId = 0;
        fragWord = Ipv4View.FLAG_DF;
        ttl = 64;
        ipv4OptionBytes = 0;
        flowLabel = 0;
        hopByHopBytes = 0;
        l4 = L4_TCP;
        protocol = FlowKey.PROTO_TCP;
        srcPort = 40000;
        dstPort = 80;
        seq = 1;
        ack = 1;
        tcpFlags = TcpView.ACK;
        window = 65535;
        urgentPointer = 0;
        mssOption = -1;
        wscaleOption = -1;
        sackPermOption = false;
        tsOption = false;
        tsVal = 0;
        tsEcr = 0;
        payloadBytes = 0;
        storePayload = false;
        payloadFill = 0;
        checksumMode = CSUM_VALID;
        arrivalNs = 0;
        ingressDevice = -1;
        return this;
    }

    /**
     * An Ethernet frame with these MACs.
     *
     * @param src source MAC (48 bits)
     * @param dst destination MAC (48 bits)
     * @return this builder
     */
    public PacketBuilder ethernet(final long src, final long dst) {
        ethernet = true;
        srcMac = src;
        dstMac = dst;
        return this;
    }

    /**
     * A raw IP packet (no link header; pcap link type 101).
     *
     * @return this builder
     */
    public PacketBuilder rawIp() {
        ethernet = false;
        return this;
    }

    /**
     * Adds an 802.1Q tag (at most two).
     *
     * @param vid the VLAN id
     * @return this builder
     */
    public PacketBuilder vlan(final int vid) {
        if (vlanCount < 2) {
            vlanIds[vlanCount++] = vid;
        }
        return this;
    }

    /**
     * Adds a PPPoE session header.
     *
     * @param sessionId the session id
     * @return this builder
     */
    public PacketBuilder pppoe(final int sessionId) {
        pppoeOn = true;
        pppoeSession = sessionId;
        return this;
    }

    /**
     * Wraps the IP packet in an outer IPv4 header (IP-in-IP, protocol 4 or 41).
     *
     * @param src outer source
     * @param dst outer destination
     * @return this builder
     */
    public PacketBuilder outerIpv4(final int src, final int dst) {
        outerIpv4 = true;
        outerSrc = src;
        outerDst = dst;
        return this;
    }

    /**
     * An IPv4 packet.
     *
     * @param src source address
     * @param dst destination address
     * @return this builder
     */
    public PacketBuilder ipv4(final int src, final int dst) {
        family = FlowKey.FAMILY_IPV4;
        v4Src = src;
        v4Dst = dst;
        return this;
    }

    /**
     * An IPv6 packet.
     *
     * @param srcHi source, high 64 bits
     * @param srcLo source, low 64 bits
     * @param dstHi destination, high 64 bits
     * @param dstLo destination, low 64 bits
     * @return this builder
     */
    public PacketBuilder ipv6(final long srcHi, final long srcLo, final long dstHi, final long dstLo) {
        family = FlowKey.FAMILY_IPV6;
        v6SrcHi = srcHi;
        v6SrcLo = srcLo;
        v6DstHi = dstHi;
        v6DstLo = dstLo;
        return this;
    }

    /**
     * @param value IPv4 TOS / IPv6 traffic class
     * @return this builder
     */
    public PacketBuilder tos(final int value) {
        tos = value;
        return this;
    }

    /**
     * @param id IPv4 identification
     * @return this builder
     */
    public PacketBuilder ipId(final int id) {
        ipId = id;
        return this;
    }

    /**
     * @param word IPv4 flags and fragment offset word (default DF)
     * @return this builder
     */
    public PacketBuilder fragWord(final int word) {
        fragWord = word;
        return this;
    }

    /**
     * @param hops IPv4 TTL / IPv6 hop limit
     * @return this builder
     */
    public PacketBuilder ttl(final int hops) {
        ttl = hops;
        return this;
    }

    /**
     * Adds IPv4 options (NOPs ending in an end-of-list byte).
     *
     * @param bytes option bytes, a multiple of 4 up to 40
     * @return this builder
     */
    public PacketBuilder ipv4Options(final int bytes) {
        ipv4OptionBytes = bytes;
        return this;
    }

    /**
     * @param label IPv6 flow label
     * @return this builder
     */
    public PacketBuilder flowLabel(final int label) {
        flowLabel = label;
        return this;
    }

    /**
     * Adds an IPv6 hop-by-hop options header of PadN.
     *
     * @param bytes its length, a multiple of 8
     * @return this builder
     */
    public PacketBuilder hopByHop(final int bytes) {
        hopByHopBytes = bytes;
        return this;
    }

    /**
     * A TCP segment.
     *
     * @param sport source port
     * @param dport destination port
     * @param seqNo sequence number
     * @param ackNo acknowledgment number
     * @param flags TCP flags
     * @return this builder
     */
    public PacketBuilder tcp(final int sport, final int dport, final int seqNo, final int ackNo, final int flags) {
        l4 = L4_TCP;
        protocol = FlowKey.PROTO_TCP;
        srcPort = sport;
        dstPort = dport;
        seq = seqNo;
        ack = ackNo;
        tcpFlags = flags;
        return this;
    }

    /**
     * @param win the TCP window
     * @return this builder
     */
    public PacketBuilder window(final int win) {
        window = win;
        return this;
    }

    /**
     * @param ptr the TCP urgent pointer
     * @return this builder
     */
    public PacketBuilder urgentPointer(final int ptr) {
        urgentPointer = ptr;
        return this;
    }

    /**
     * @param mss the MSS option value, -1 for none
     * @return this builder
     */
    public PacketBuilder mss(final int mss) {
        mssOption = mss;
        return this;
    }

    /**
     * @param shift the window-scale option value, -1 for none
     * @return this builder
     */
    public PacketBuilder windowScale(final int shift) {
        wscaleOption = shift;
        return this;
    }

    /**
     * @param on whether to add SACK-permitted
     * @return this builder
     */
    public PacketBuilder sackPermitted(final boolean on) {
        sackPermOption = on;
        return this;
    }

    /**
     * Adds the timestamp option (as NOP, NOP, TS: 12 bytes, the layout Linux sends).
     *
     * @param val TSval
     * @param ecr TSecr
     * @return this builder
     */
    public PacketBuilder timestamps(final int val, final int ecr) {
        tsOption = true;
        tsVal = val;
        tsEcr = ecr;
        return this;
    }

    /**
     * A UDP datagram.
     *
     * @param sport source port
     * @param dport destination port
     * @return this builder
     */
    public PacketBuilder udp(final int sport, final int dport) {
        l4 = L4_UDP;
        protocol = FlowKey.PROTO_UDP;
        srcPort = sport;
        dstPort = dport;
        return this;
    }

    /**
     * No transport header the builder knows: the payload follows the IP header directly.
     *
     * @param proto the IP protocol number
     * @return this builder
     */
    public PacketBuilder bareProtocol(final int proto) {
        l4 = L4_NONE;
        protocol = proto;
        return this;
    }

    /**
     * @param bytes L4 payload bytes
     * @return this builder
     */
    public PacketBuilder payload(final int bytes) {
        payloadBytes = bytes;
        return this;
    }

    /**
     * @param store whether to write the payload bytes into the slot (they must fit)
     * @param fill the byte value to write
     * @return this builder
     */
    public PacketBuilder storePayload(final boolean store, final int fill) {
        storePayload = store;
        payloadFill = (byte) fill;
        return this;
    }

    /**
     * @param mode {@link #CSUM_VALID}, {@link #CSUM_PARTIAL} or {@link #CSUM_BAD}
     * @return this builder
     */
    public PacketBuilder checksumMode(final int mode) {
        checksumMode = mode;
        return this;
    }

    /**
     * @param timeNs arrival time to record
     * @return this builder
     */
    public PacketBuilder arrivalNs(final long timeNs) {
        arrivalNs = timeNs;
        return this;
    }

    /**
     * @param device ingress device index to record
     * @return this builder
     */
    public PacketBuilder ingressDevice(final int device) {
        ingressDevice = device;
        return this;
    }

    private int tcpHeaderLength() {
        int opt = 0;
        if (mssOption >= 0) {
            opt += 4;
        }
        if (wscaleOption >= 0) {
            opt += 4;
        }
        if (sackPermOption) {
            opt += 4;
        }
        if (tsOption) {
            opt += 12;
        }
        return TcpView.MIN_LENGTH + opt;
    }

    /**
     * Allocates a slot and writes the frame, setting length, protocol, offsets, arrival time and ingress
     * device. For CSUM_PARTIAL the checksum state is {@link ChecksumState#PARTIAL}, else NONE.
     *
     * @return the packet, or {@link PacketStore#NO_PACKET} if the store is full
     * @throws IllegalArgumentException if the headers (or a stored payload) do not fit a slot
     */
    public int build() {
        final int l4Header = l4 == L4_TCP ? tcpHeaderLength() : l4 == L4_UDP ? UdpView.LENGTH : 0;
        final int l3Header = family == FlowKey.FAMILY_IPV4 ? Ipv4View.MIN_LENGTH + ipv4OptionBytes
            : Ipv6View.LENGTH + hopByHopBytes;
        final int outerHeader = outerIpv4 ? Ipv4View.MIN_LENGTH : 0;
        final int linkHeader = (ethernet ? EthernetView.LENGTH + 4 * vlanCount : 0) + (pppoeOn ? PppoeView.LENGTH : 0);
        final int headers = linkHeader + outerHeader + l3Header + l4Header;
        final int wire = headers + payloadBytes;
        final int stored = storePayload ? wire : headers;
        final int h = store.allocate();
        if (h == PacketStore.NO_PACKET) {
            return h;
        }
        if (stored > store.dataCapacity() - store.headroom(h)) {
            store.free(h);
            throw new IllegalArgumentException("PacketBuilder: " + stored + " bytes do not fit a slot of "
                + (store.dataCapacity() - store.headroom(h)) + " bytes");
        }
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(h);
        store.storedLength(h, stored);
        store.length(h, wire);
        store.arrivalNs(h, arrivalNs);
        store.ingressDevice(h, ingressDevice);
        int at = 0;
        final int netType = outerIpv4 || family == FlowKey.FAMILY_IPV4
            ? EthernetView.ETHERTYPE_IPV4 : EthernetView.ETHERTYPE_IPV6;
        if (ethernet) {
            eth.wrap(b, f).src(srcMac).dst(dstMac);
            int typeAt = f + EthernetView.ETHERTYPE_OFFSET;
            at = EthernetView.LENGTH;
            for (int i = 0; i < vlanCount; i++) {
                b.putShort(typeAt, (short) EthernetView.ETHERTYPE_VLAN, java.nio.ByteOrder.BIG_ENDIAN);
                vlan.wrap(b, f + at).tci(0, vlanIds[i]);
                typeAt = f + at + VlanView.ETHERTYPE_OFFSET;
                at += VlanView.LENGTH;
            }
            b.putShort(typeAt, (short) (pppoeOn ? EthernetView.ETHERTYPE_PPPOE_SESSION : netType),
                java.nio.ByteOrder.BIG_ENDIAN);
        } else {
            store.setFlag(h, PacketStore.FLAG_RAW_IP);
        }
        if (pppoeOn) {
            pppoe.wrap(b, f + at).set(pppoeSession, wire - at - PppoeView.LENGTH,
                netType == EthernetView.ETHERTYPE_IPV4 ? PppoeView.PPP_IPV4 : PppoeView.PPP_IPV6);
            at += PppoeView.LENGTH;
        }
        store.protocol(h, netType);
        store.networkOffset(h, at);
        if (outerIpv4) {
            ipv4.wrap(b, f + at).set(0, wire - at, 0, Ipv4View.FLAG_DF, 64,
                family == FlowKey.FAMILY_IPV4 ? FlowKey.PROTO_IPIP : FlowKey.PROTO_IPV6, outerSrc, outerDst);
            at += Ipv4View.MIN_LENGTH;
            store.innerNetworkOffset(h, at);
        }
        final int l3 = at;
        final int l4Length = l4Header + payloadBytes;
        if (family == FlowKey.FAMILY_IPV4) {
            ipv4.wrap(b, f + l3);
            ipv4.versionAndHeaderLength(Ipv4View.MIN_LENGTH + ipv4OptionBytes);
            ipv4.tos(tos).totalLength(l3Header + l4Length).id(ipId).fragWord(fragWord).ttl(ttl)
                .protocol(protocol).src(v4Src).dst(v4Dst);
            for (int i = 0; i < ipv4OptionBytes; i++) {
                b.putByte(f + l3 + Ipv4View.MIN_LENGTH + i, (byte) (i == ipv4OptionBytes - 1 ? 0 : 1));
            }
            ipv4.updateChecksum();
        } else {
            ipv6.wrap(b, f + l3).versionClassLabel(tos, flowLabel).payloadLength(hopByHopBytes + l4Length)
                .nextHeader(hopByHopBytes > 0 ? Ipv6View.NEXTHDR_HOP : protocol).hopLimit(ttl)
                .src(v6SrcHi, v6SrcLo).dst(v6DstHi, v6DstLo);
            if (hopByHopBytes > 0) {
                final int hbh = f + l3 + Ipv6View.LENGTH;
                b.setMemory(hbh, hopByHopBytes, (byte) 0);
                b.putByte(hbh, (byte) protocol);
                b.putByte(hbh + 1, (byte) ((hopByHopBytes >>> 3) - 1));
                b.putByte(hbh + 2, (byte) 1); // PadN
                b.putByte(hbh + 3, (byte) (hopByHopBytes - 4));
            }
        }
        at = l3 + l3Header;
        final boolean firstFragment = family != FlowKey.FAMILY_IPV4 || (fragWord & Ipv4View.FRAG_OFFSET_MASK) == 0;
        if (l4 != L4_NONE && firstFragment) {
            store.transportOffset(h, at);
        }
        if (storePayload) {
            b.setMemory(f + at + l4Header, payloadBytes, payloadFill);
        }
        if (l4 == L4_TCP) {
            writeTcp(b, f + at, l4Header);
        } else if (l4 == L4_UDP) {
            udp.wrap(b, f + at).srcPort(srcPort).dstPort(dstPort).length(l4Length).checksum(0);
        }
        if (l4 != L4_NONE) {
            final int checkAt = f + at + (l4 == L4_TCP ? TcpView.CHECKSUM_OFFSET : UdpView.CHECKSUM_OFFSET);
            final long pseudo = family == FlowKey.FAMILY_IPV4
                ? InetChecksum.pseudoIpv4(v4Src, v4Dst, protocol, l4Length)
                : InetChecksum.pseudoIpv6(b, f + l3 + Ipv6View.SRC_OFFSET, f + l3 + Ipv6View.DST_OFFSET, protocol,
                    l4Length);
            int check;
            if (checksumMode == CSUM_PARTIAL) {
                check = InetChecksum.fold(pseudo);
                store.checksumState(h, ChecksumState.PARTIAL);
            } else {
                final int storedL4 = Math.min(l4Length, stored - at);
                check = InetChecksum.finish(InetChecksum.sum(b, f + at, storedL4, pseudo));
                if (l4 == L4_UDP && check == 0) {
                    check = 0xFFFF;
                }
                if (checksumMode == CSUM_BAD) {
                    check ^= 1;
                }
            }
            b.putShort(checkAt, (short) check, java.nio.ByteOrder.BIG_ENDIAN);
        }
        return h;
    }

    private void writeTcp(final MutableDirectBuffer b, final int at, final int headerLength) {
        tcp.wrap(b, at).srcPort(srcPort).dstPort(dstPort).seq(seq).ack(ack).headerLength(headerLength)
            .flags(tcpFlags).window(window).checksum(0).urgentPointer(urgentPointer);
        int o = at + TcpView.MIN_LENGTH;
        if (mssOption >= 0) {
            b.putByte(o, (byte) TcpView.OPT_MSS);
            b.putByte(o + 1, (byte) 4);
            b.putShort(o + 2, (short) mssOption, java.nio.ByteOrder.BIG_ENDIAN);
            o += 4;
        }
        if (sackPermOption) {
            b.putByte(o, (byte) TcpView.OPT_NOP);
            b.putByte(o + 1, (byte) TcpView.OPT_NOP);
            b.putByte(o + 2, (byte) TcpView.OPT_SACK_PERM);
            b.putByte(o + 3, (byte) 2);
            o += 4;
        }
        if (tsOption) {
            b.putByte(o, (byte) TcpView.OPT_NOP);
            b.putByte(o + 1, (byte) TcpView.OPT_NOP);
            b.putByte(o + 2, (byte) TcpView.OPT_TIMESTAMP);
            b.putByte(o + 3, (byte) 10);
            b.putInt(o + 4, tsVal, java.nio.ByteOrder.BIG_ENDIAN);
            b.putInt(o + 8, tsEcr, java.nio.ByteOrder.BIG_ENDIAN);
            o += 12;
        }
        if (wscaleOption >= 0) {
            b.putByte(o, (byte) TcpView.OPT_NOP);
            b.putByte(o + 1, (byte) TcpView.OPT_WSCALE);
            b.putByte(o + 2, (byte) 3);
            b.putByte(o + 3, (byte) wscaleOption);
        }
    }
}
