package io.pktsim.stack.gso;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.UdpView;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.offload.OffloadFeatures;

/**
 * The egress of a forwarded packet: the MTU check of {@code ip_forward()} / {@code ip_exceeds_mtu()}
 * (net/ipv4/ip_forward.c) and {@code ip6_forward()} / {@code ip6_pkt_too_big()} (net/ipv6/ip6_output.c), the
 * LRO guard ({@code skb_warn_if_lro()}), then {@code ip_finish_output_gso()} (net/ipv4/ip_output.c) and the
 * device's GSO ({@link SoftwareGso}), Linux 6.18.
 *
 * <p>A GSO packet is checked per future segment ({@code skb_gso_validate_network_len()}: network headers plus
 * TCP header (a UDP header for a fraglist UDP aggregate) plus gso_size), not as a whole. Too big: IPv4 with DF is
 * dropped with ICMP fragmentation needed, IPv6 with ICMPv6 packet too big; IPv4 without DF is segmented in software
 * and each segment IP-fragmented, the fragments keeping their segment's ID.
 */
public final class ForwardOutput {

    /** The packet (or its segments) went to the device. */
    public static final int SENT = 0;
    /** Dropped: IPv4 with DF too big; ICMP fragmentation needed in the notice. */
    public static final int DROPPED_FRAG_NEEDED = 1;
    /** Dropped: IPv6 too big; ICMPv6 packet too big in the notice. */
    public static final int DROPPED_PACKET_TOO_BIG = 2;
    /** IPv4 without DF: segmented (if GSO) and fragmented. */
    public static final int FRAGMENTED = 3;
    /** Dropped: an LRO packet (gso_size set, gso_type 0) must not be forwarded. */
    public static final int DROPPED_LRO = 4;
    /** Dropped: segmentation or fragmentation failed (store full). */
    public static final int DROPPED = 5;

    private final PacketStore store;
    private final SoftwareGso gso;
    private final Ipv4Fragmenter fragmenter;
    private final Counters<GsoCounter> counters = new Counters<>(GsoCounter.class);
    private final IcmpNotice notice = new IcmpNotice();
    private final FragmentingSink fragmentingSink = new FragmentingSink();

    /**
     * Creates the forwarding egress of a device.
     *
     * @param store the store
     * @param features the egress device's features
     */
    public ForwardOutput(final PacketStore store, final OffloadFeatures features) {
        this.store = store;
        this.gso = new SoftwareGso(store, features, counters);
        this.fragmenter = new Ipv4Fragmenter(store);
    }

    /** @return the counters of GSO and the MTU check */
    public Counters<GsoCounter> counters() {
        return counters;
    }

    /** @return the software GSO stage */
    public SoftwareGso gso() {
        return gso;
    }

    /** @return the ICMP error of the last drop for size */
    public IcmpNotice lastIcmp() {
        return notice;
    }

    /**
     * The network-layer length of the largest packet that will go on the wire: one segment for a GSO packet.
     *
     * @param handle the packet, offsets set
     * @return bytes from the network header
     */
    public int wireNetworkLength(final int handle) {
        final PacketStore s = store;
        final int netOff = s.networkOffset(handle);
        if (s.gsoSize(handle) == 0) {
            return s.length(handle) - netOff;
        }
        final int l4 = s.transportOffset(handle);
        // skb_gso_transport_seglen(): the TCP header, or a UDP one (a fraglist UDP aggregate)
        final int thlen = (s.gsoType(handle) & PacketStore.GSO_UDP_L4) != 0 ? UdpView.LENGTH
            : (s.buffer().getByte(s.frameOffset(handle) + l4 + 12) & 0xF0) >>> 2;
        final int whole = s.length(handle) - netOff;
        return Math.min(whole, l4 - netOff + thlen + s.gsoSize(handle));
    }

    /**
     * Sends a forwarded packet out of a device with the given MTU.
     *
     * @param handle the packet (Ethernet frame, offsets set; owned by this call)
     * @param mtuBytes the egress MTU
     * @param sink the device's transmit
     * @return {@link #SENT}, {@link #FRAGMENTED}, {@link #DROPPED_FRAG_NEEDED}, {@link #DROPPED_PACKET_TOO_BIG},
     *     {@link #DROPPED_LRO} or {@link #DROPPED}
     */
    public int forward(final int handle, final int mtuBytes, final GsoSink sink) {
        final PacketStore s = store;
        if (s.gsoSize(handle) > 0 && s.gsoType(handle) == 0) {
            counters.increment(GsoCounter.LRO_DROPPED);
            s.free(handle);
            return DROPPED_LRO;
        }
        if (wireNetworkLength(handle) <= mtuBytes) {
            return gso.transmit(handle, sink) > 0 ? SENT : DROPPED;
        }
        final int ip = s.frameOffset(handle) + s.networkOffset(handle);
        final org.agrona.MutableDirectBuffer b = s.buffer();
        if ((b.getByte(ip) & 0xF0) != 0x40) {
            counters.increment(GsoCounter.PACKET_TOO_BIG);
            notice.set(IcmpNotice.PACKET_TOO_BIG, mtuBytes);
            s.free(handle);
            return DROPPED_PACKET_TOO_BIG;
        }
        if ((b.getByte(ip + 6) & 0x40) != 0) {
            counters.increment(GsoCounter.FRAG_NEEDED);
            notice.set(IcmpNotice.FRAG_NEEDED, mtuBytes);
            s.free(handle);
            return DROPPED_FRAG_NEEDED;
        }
        fragmentingSink.target = sink;
        fragmentingSink.mtuBytes = mtuBytes;
        fragmentingSink.failed = false;
        if (s.gsoSize(handle) > 0) {
            gso.segmentInto(handle, false, fragmentingSink);
        } else {
            fragmentingSink.transmit(handle);
        }
        fragmentingSink.target = null;
        return fragmentingSink.failed ? DROPPED : FRAGMENTED;
    }

    /** ip_finish_output_gso(): every segment through ip_fragment(). */
    private final class FragmentingSink implements GsoSink {
        private GsoSink target;
        private int mtuBytes;
        private boolean failed;

        @Override
        public void transmit(final int handle) {
            if (store.checksumState(handle) == io.pktsim.core.packet.ChecksumState.PARTIAL) {
                gso.checksumHelp(handle);
            }
            final boolean big = store.length(handle) - store.networkOffset(handle) > mtuBytes;
            final int n = fragmenter.fragment(handle, mtuBytes, target);
            if (n < 0) {
                failed = true;
                counters.increment(GsoCounter.DROPPED);
            } else if (big) {
                counters.increment(GsoCounter.FRAGMENTED_PACKETS);
                counters.add(GsoCounter.FRAGMENTS, n);
            }
        }
    }
}
