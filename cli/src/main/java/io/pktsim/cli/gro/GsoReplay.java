package io.pktsim.cli.gro;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketParser;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.stack.gso.ForwardOutput;
import org.agrona.MutableDirectBuffer;

/**
 * Cuts captured super-packets with software GSO and the forwarding MTU check, the engine behind
 * {@code pktsim gso}: each TCP frame is a super-packet (full IP length, up to 64 KiB; its TCP checksum may hold
 * only the pseudo-header sum), segmented at {@code gsoSize}; any other IP packet (UDP, an IP fragment, ...)
 * leaves as it is. Packets above the MTU are dropped with the ICMP the kernel would send (DF or IPv6) or
 * IP-fragmented ({@code ip_forward()} / {@code ip_finish_output_gso()}). A PPPoE session frame carrying a TCP
 * super-packet is cut only with OpenWrt's {@code pppoe_gso_segment()} (each segment gets its own PPPoE length);
 * mainline 6.18 has no GSO handler for {@code ETH_P_PPP_SES} ({@code skb_mac_gso_segment()} fails and the packet is
 * dropped), so without it such a frame is refused as bad input. With {@code udpGso}, a UDP datagram whose payload
 * exceeds {@code gsoSize} is a UDP GSO super-packet too ({@code SKB_GSO_UDP_L4}: a {@code UDP_SEGMENT} send, or an
 * aggregate of {@code rx-udp-gro-forwarding}), cut by {@code __udp_gso_segment()}; without it UDP leaves as it is.
 */
public final class GsoReplay {

    /** Bytes of packet slots the replay may use (all segments of one super-packet exist at once). */
    private static final long STORE_BUDGET_BYTES = 1L << 30;

    private final int gsoSize;
    private final int mtu;
    private final boolean txCsum;
    private final boolean pppoeGso;
    private final boolean udpGso;
    private final List<ReplayRecord> out = new ArrayList<>();
    private final List<String> icmp = new ArrayList<>();
    private final List<byte[]> frames = new ArrayList<>();
    private final List<long[]> times = new ArrayList<>();
    private int maxSegments = 1;
    private int maxFrame = 2048;
    private int superPackets;
    private int udpSuperPackets;

    /**
     * @param gsoSize payload bytes per segment, at least 1
     * @param mtu egress MTU, 68..65535
     * @param txCsum whether the egress device checksums (segments keep the pseudo-header sum)
     * @param pppoeGso whether PPPoE super-packets are cut (OpenWrt's {@code pppoe_gso_segment()})
     * @param udpGso whether UDP datagrams longer than gsoSize are UDP GSO super-packets
     * @throws BadInputException for a bad option value
     */
    public GsoReplay(final int gsoSize, final int mtu, final boolean txCsum, final boolean pppoeGso,
        final boolean udpGso) throws BadInputException {
        if (gsoSize < 1) {
            throw new BadInputException(0, "--gso-size " + gsoSize + " must be at least 1");
        }
        if (mtu < 68 || mtu > 65535) {
            throw new BadInputException(0, "--mtu " + mtu + " is outside 68..65535");
        }
        this.gsoSize = gsoSize;
        this.mtu = mtu;
        this.txCsum = txCsum;
        this.pppoeGso = pppoeGso;
        this.udpGso = udpGso;
    }

    /**
     * Adds a frame: a TCP super-packet, or any other IP packet, which leaves unsegmented.
     *
     * @param recordNumber 1-based record number
     * @param timeNs capture time, ns
     * @param frame the frame
     * @throws BadInputException if the frame is not Ethernet/IP, or its IP or TCP header is malformed
     */
    public void add(final long recordNumber, final long timeNs, final byte[] frame) throws BadInputException {
        if (frame.length < 14) {
            throw new BadInputException(recordNumber, "frame of " + frame.length + " bytes is not Ethernet");
        }
        final PacketStore probe = new PacketStore(1, frame.length + 64, 0);
        final int h = probe.allocate();
        probe.putFrame(h, frame, 0, frame.length, frame.length);
        final int r = new PacketParser().parse(probe, h);
        final int ethertype = probe.protocol(h);
        if (ReplayJson.pppoeSession(frame) >= 0 && ethertype != 0x0800 && ethertype != 0x86DD) {
            throw new BadInputException(recordNumber, String.format("a PPPoE session frame with PPP protocol 0x%04x "
                + "(%d bytes): it carries neither IPv4 nor IPv6", frame.length < 22 ? 0
                : ((frame[20] & 0xFF) << 8) | (frame[21] & 0xFF), frame.length));
        }
        if (r == PacketParser.NOT_IP || ethertype != 0x0800 && ethertype != 0x86DD) {
            throw new BadInputException(recordNumber, String.format("ethertype 0x%04x: the frame is not "
                + "Ethernet/IPv4 or Ethernet/IPv6", ethertype));
        }
        if (r == PacketParser.MALFORMED) {
            throw new BadInputException(recordNumber, "the IP header is truncated or malformed");
        }
        final MutableDirectBuffer b = probe.buffer();
        final int f = probe.frameOffset(h);
        final int net = probe.networkOffset(h);
        final boolean v4 = ethertype == 0x0800;
        final int ipLength = v4 ? b.getShort(f + net + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF
            : 40 + (b.getShort(f + net + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF);
        final int ipHeader = v4 ? (b.getByte(f + net) & 0x0F) << 2 : 40;
        if (ipLength < ipHeader) {
            throw new BadInputException(recordNumber, "the IP length " + ipLength + " is shorter than the IP header");
        }
        if (net + ipLength > frame.length) {
            throw new BadInputException(recordNumber, "the IP length says " + ipLength + " bytes but the frame "
                + "holds " + (frame.length - net) + " after the Ethernet header");
        }
        // Ethernet padding is not part of the packet
        final byte[] packet = net + ipLength == frame.length ? frame : Arrays.copyOf(frame, net + ipLength);
        final boolean fragment = v4 && (b.getShort(f + net + 6, ByteOrder.BIG_ENDIAN) & 0x3FFF) != 0;
        final int inner = probe.innerNetworkOffset(h);
        final int ip = f + (inner >= 0 ? inner : net);
        final int l4 = probe.transportOffset(h);
        final boolean innerV4 = (b.getByte(ip) & 0xF0) == 0x40;
        final int upper = fragment || r != PacketParser.L4 || l4 < 0 ? -1
            : upperLayer(b, ip, innerV4, frame.length - (ip - f));
        final boolean udp = udpGso && upper == PROTO_UDP && inner < 0;
        if (upper != PROTO_TCP && !udp) {
            // not a TCP (or, with udpGso, UDP) super-packet: it leaves as it is (no gso_size), the same MTU check
            keep(recordNumber, timeNs, packet, 0);
            return;
        }
        final int thlen = udp ? 8 : (b.getByte(f + l4 + 12) & 0xF0) >>> 2;
        if (udp && net + ipLength < l4 + thlen) {
            throw new BadInputException(recordNumber, "the UDP header is truncated");
        }
        if (udp && (b.getShort(f + l4 + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF) != net + ipLength - l4) {
            throw new BadInputException(recordNumber, "the UDP length " + (b.getShort(f + l4 + 4,
                ByteOrder.BIG_ENDIAN) & 0xFFFF) + " is not the " + (net + ipLength - l4) + " bytes after the IP "
                + "header (a UDP GSO super-packet's UDP length is the whole datagram's)");
        }
        if (udp && net + ipLength - l4 - thlen <= gsoSize) {
            // udp_send_skb() makes a datagram GSO only when its payload exceeds gso_size
            keep(recordNumber, timeNs, packet, 0);
            return;
        }
        if (thlen < 8 || !udp && thlen < 20 || net + ipLength < l4 + thlen) {
            throw new BadInputException(recordNumber, "the TCP header is truncated or malformed");
        }
        final int payload = net + ipLength - l4 - thlen;
        if (!pppoeGso && payload > gsoSize && ReplayJson.pppoeSession(frame) >= 0) {
            throw new BadInputException(recordNumber, "a PPPoE session frame: mainline 6.18 has no GSO handler for "
                + "ETH_P_PPP_SES (OpenWrt's pppoe_gso_segment cuts it: add --pppoe-gro)");
        }
        final int segments = (payload + gsoSize - 1) / gsoSize;
        final int slotBytes = Math.max(maxFrame, packet.length) + 128;
        if ((long) (Math.max(maxSegments, segments) + 64) * slotBytes > STORE_BUDGET_BYTES) {
            throw new BadInputException(recordNumber, "--gso-size " + gsoSize + " cuts this " + payload
                + "-byte payload into " + segments + " segments, more than the replay holds; use a larger "
                + "--gso-size");
        }
        maxSegments = Math.max(maxSegments, segments);
        keep(recordNumber, timeNs, packet, udp ? PROTO_UDP : PROTO_TCP);
    }

    /** Keeps a frame; {@code gso} is the super-packet's transport protocol, 0 for a packet left whole. */
    private void keep(final long recordNumber, final long timeNs, final byte[] packet, final int gso) {
        maxFrame = Math.max(maxFrame, packet.length);
        frames.add(packet);
        times.add(new long[] {timeNs, recordNumber, gso});
        superPackets += gso != 0 ? 1 : 0;
        udpSuperPackets += gso == PROTO_UDP ? 1 : 0;
    }

    /** The innermost IP header's upper-layer protocol, -1 when its IPv6 extension headers do not parse. */
    private static int upperLayer(final MutableDirectBuffer b, final int ip, final boolean v4, final int available) {
        if (v4) {
            return b.getByte(ip + 9) & 0xFF;
        }
        final Ipv6View v6 = new Ipv6View().wrap(b, ip);
        return v6.walkExtensionHeaders(available) ? v6.upperLayerProtocol() : -1;
    }

    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;

    /** @return frames added */
    public int frameCount() {
        return frames.size();
    }

    /** @return super-packets among the frames, TCP and (with udpGso) UDP (the others leave unsegmented) */
    public int superPacketCount() {
        return superPackets;
    }

    /** @return UDP GSO super-packets among the frames (with udpGso) */
    public int udpSuperPacketCount() {
        return udpSuperPackets;
    }

    /** @return ICMP errors the kernel would have sent, one line each */
    public List<String> icmpReports() {
        return icmp;
    }

    /**
     * Runs the segmentation.
     *
     * @return the wire packets (segments or fragments), in order
     */
    public List<ReplayRecord> run() {
        final int max = maxFrame + 64;
        // the segments of one super-packet, plus the fragments of one segment, exist at once
        final int fragmentsPerSegment = (gsoSize + 200) / Math.max(8, (mtu - 60) & ~7) + 2;
        final int slots = maxSegments + fragmentsPerSegment + 16;
        final PacketStore store = new PacketStore(slots, max + 64, 64);
        final PacketParser parser = new PacketParser();
        final ForwardOutput fwd = new ForwardOutput(store, new OffloadFeatures().txChecksum(txCsum));
        for (int i = 0; i < frames.size(); i++) {
            final byte[] f = frames.get(i);
            final long t = times.get(i)[0];
            final int h = store.allocate();
            store.putFrame(h, f, 0, f.length, f.length);
            parser.parse(store, h);
            final boolean v4 = store.protocol(h) == 0x0800;
            final int inner = store.innerNetworkOffset(h);
            int type = v4 ? PacketStore.GSO_TCPV4 : PacketStore.GSO_TCPV6;
            if (inner >= 0) {
                final int ip = store.frameOffset(h) + inner;
                type = ((store.buffer().getByte(ip) & 0xF0) == 0x40 ? PacketStore.GSO_TCPV4 : PacketStore.GSO_TCPV6)
                    | PacketStore.GSO_IPXIP4;
            }
            if (times.get(i)[2] == PROTO_UDP) {
                type = PacketStore.GSO_UDP_L4;
            }
            if (times.get(i)[2] != 0) {
                store.gsoSize(h, gsoSize);
                store.gsoType(h, type);
                store.checksumState(h, ChecksumState.PARTIAL);
            } else {
                store.checksumState(h, ChecksumState.NONE);
            }
            final int result = fwd.forward(h, mtu, g -> {
                final int len = store.length(g);
                final byte[] frame = new byte[len];
                store.getFrame(g, frame, 0, len);
                final FrameFields ff = FrameFields.of(store, g, len, parser.parse(store, g));
                out.add(new ReplayRecord(t, frame, ff.payloadLen, null, null, ff.seq, ff.ipId, ff.flags, null,
                    ff.fragment));
                store.free(g);
            });
            final long record = times.get(i)[1];
            if (result == ForwardOutput.DROPPED_FRAG_NEEDED || result == ForwardOutput.DROPPED_PACKET_TOO_BIG) {
                icmp.add("record " + record + ": dropped, " + fwd.lastIcmp().describe());
            } else if (result == ForwardOutput.DROPPED || result == ForwardOutput.DROPPED_LRO) {
                throw new IllegalStateException("record " + record + ": GSO dropped the packet (result " + result
                    + ")");
            }
        }
        return out;
    }
}
