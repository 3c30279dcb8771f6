package io.pktsim.stack.gso;

import java.nio.ByteOrder;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.PppoeView;
import io.pktsim.core.header.VlanView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.nic.offload.TcpSegmenter;
import io.pktsim.nic.offload.Tso;
import org.agrona.MutableDirectBuffer;

/**
 * Software GSO at the egress device: the GSO part of {@code validate_xmit_skb()} (net/core/dev.c, Linux 6.18).
 * A GSO packet is segmented here when {@code netif_needs_gso()} holds: the device lacks the TSO feature of its
 * gso_type (TSO/TSO6, ECN, MANGLEID, ACCECN), exceeds {@code gso_max_segs} or {@code gso_max_size}, or the
 * packet's checksum state is neither PARTIAL nor UNNECESSARY; otherwise it is left whole for TSO.
 *
 * <p>Segments take their checksums from the device: with {@code tx-checksumming} they leave CHECKSUM_PARTIAL
 * holding the pseudo-header sum, without it they carry full software checksums. The segments are the
 * {@link TcpSegmenter}'s; this class decides and counts ({@link GsoCounter}). One segment's worth of CPU per
 * output segment is what a cost model charges (DESIGN.md: "GSO per segment"). A super-packet whose IP header
 * follows a PPPoE session header is cut as OpenWrt's {@code pppoe_gso_segment()} does: each segment's PPPoE length
 * is its own. A fraglist aggregate (TCP, or UDP: {@code SKB_GSO_FRAGLIST | SKB_GSO_UDP_L4}) is never taken whole
 * by a device and is split back into its chained packets ({@code skb_segment_list()}, see {@link TcpSegmenter}).
 */
public final class SoftwareGso {


    private final PacketStore store;
    private final OffloadFeatures features;
    private final TcpSegmenter segmenter;
    private final Counters<GsoCounter> counters;

    /**
     * Creates the GSO stage of an egress device.
     *
     * @param store the store
     * @param features the egress device's features
     * @param counters where to count (shared with {@link ForwardOutput})
     */
    public SoftwareGso(final PacketStore store, final OffloadFeatures features, final Counters<GsoCounter> counters) {
        this.store = store;
        this.features = features;
        this.segmenter = new TcpSegmenter(store);
        this.counters = counters;
    }

    /**
     * Whether the packet must be segmented in software ({@code netif_needs_gso()}).
     *
     * @param handle a GSO packet
     * @return true if the device cannot take it whole
     */
    public boolean needsSoftwareGso(final int handle) {
        final ChecksumState cs = store.checksumState(handle);
        return !Tso.canSegment(store, handle, features)
            || cs != ChecksumState.PARTIAL && cs != ChecksumState.UNNECESSARY;
    }

    /**
     * Transmits a packet: segments it if needed and hands every wire packet to the sink, in order.
     *
     * @param handle the packet (owned by this call)
     * @param sink the device's transmit
     * @return packets handed to the sink (0 when dropped, {@link GsoCounter#DROPPED})
     */
    public int transmit(final int handle, final GsoSink sink) {
        if (store.gsoSize(handle) == 0) {
            counters.increment(GsoCounter.PASSED);
            sink.transmit(handle);
            return 1;
        }
        if (!needsSoftwareGso(handle)) {
            counters.increment(GsoCounter.LEFT_TO_TSO);
            sink.transmit(handle);
            return 1;
        }
        return segmentInto(handle, features.txChecksum(), sink);
    }

    /**
     * Segments a GSO packet in software whatever the device can do ({@code skb_gso_segment()} with the GSO
     * features masked, as {@code ip_finish_output_gso()} does) and hands the segments to the sink.
     *
     * @param handle the GSO packet (owned by this call)
     * @param checksumOffload whether segments keep CHECKSUM_PARTIAL
     * @param sink where the segments go
     * @return segments handed on (0 when dropped)
     */
    public int segmentInto(final int handle, final boolean checksumOffload, final GsoSink sink) {
        final int pppoeAt = pppoeLengthOffset(handle);
        final int n = segmenter.segment(handle, checksumOffload);
        // __udp_gso_segment() refuses a UDP GSO packet no longer than one datagram (-EINVAL: validate_xmit_skb()
        // drops it); tcp_gso_segment()'s refusal leaves the packet whole (below)
        if (n == TcpSegmenter.ERR_TOO_SMALL && (store.gsoType(handle) & PacketStore.GSO_UDP_L4) == 0) {
            // not a real GSO packet: virtio/tap input clears GSO for it; it leaves as one packet
            store.gsoSize(handle, 0);
            store.gsoSegs(handle, 0);
            store.gsoType(handle, 0);
            if (!checksumOffload && store.checksumState(handle) == ChecksumState.PARTIAL) {
                checksumHelp(handle);
            }
            counters.increment(GsoCounter.PASSED);
            sink.transmit(handle);
            return 1;
        }
        if (n < 0) {
            counters.increment(GsoCounter.DROPPED);
            store.free(handle);
            return 0;
        }
        counters.increment(GsoCounter.SEGMENTED);
        counters.add(GsoCounter.SEGMENTS, n);
        int g = segmenter.first();
        if (g != handle) {
            store.next(handle, PacketStore.NO_PACKET);
            store.free(handle);
        }
        while (g != PacketStore.NO_PACKET) {
            final int next = store.next(g);
            store.next(g, PacketStore.NO_PACKET);
            if (pppoeAt >= 0) {
                // pppoe_gso_segment(): phdr->length = cpu_to_be16(skb->len - (nhoff + sizeof(*phdr)))
                store.buffer().putShort(store.frameOffset(g) + pppoeAt, (short) (store.length(g) - pppoeAt - 2),
                    ByteOrder.BIG_ENDIAN);
            }
            sink.transmit(g);
            g = next;
        }
        return n;
    }

    /**
     * Where the PPPoE length field of a PPPoE session frame lies (frame offset), or -1 for any other frame: the
     * Ethernet header, up to two VLAN tags, then {@code ETH_P_PPP_SES} and a PPPoE header ending right where the
     * packet's network offset (its IP header) starts. Such a super-packet is cut as OpenWrt's
     * {@code pppoe_gso_segment()} (650-net-pppoe-implement-GRO-support.patch) does: the inner TCP/IP aggregate is
     * cut as any other ({@code inet_gso_segment()} / {@code ipv6_gso_segment()}), each segment keeps the PPPoE header
     * with its own length.
     */
    private int pppoeLengthOffset(final int h) {
        final PacketStore s = store;
        final int net = s.networkOffset(h);
        if (net < EthernetView.LENGTH + PppoeView.LENGTH || Math.min(s.storedLength(h), s.length(h)) < net) {
            return -1;
        }
        final MutableDirectBuffer b = s.buffer();
        final int f = s.frameOffset(h);
        int at = EthernetView.LENGTH;
        int type = b.getShort(f + EthernetView.ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        for (int tags = 0; tags < 2 && at + VlanView.LENGTH <= net
            && (type == EthernetView.ETHERTYPE_VLAN || type == EthernetView.ETHERTYPE_QINQ); tags++) {
            type = b.getShort(f + at + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
            at += VlanView.LENGTH;
        }
        return type == EthernetView.ETHERTYPE_PPPOE_SESSION && at + PppoeView.LENGTH == net
            ? at + PppoeView.LENGTH_OFFSET : -1;
    }

    /** {@code skb_checksum_help()}: completes a CHECKSUM_PARTIAL TCP checksum in software. */
    void checksumHelp(final int h) {
        final PacketStore s = store;
        final MutableDirectBuffer b = s.buffer();
        final int f = s.frameOffset(h);
        final int t = f + s.transportOffset(h);
        final int inner = s.innerNetworkOffset(h);
        final int ip = f + (inner >= 0 ? inner : s.networkOffset(h));
        final int tcpLen = s.length(h) - s.transportOffset(h);
        final int stored = Math.min(tcpLen, Math.min(s.storedLength(h), s.length(h)) - s.transportOffset(h));
        final long pseudo = (b.getByte(ip) & 0xF0) == 0x40
            ? InetChecksum.pseudoIpv4(b.getInt(ip + 12, ByteOrder.BIG_ENDIAN),
                b.getInt(ip + 16, ByteOrder.BIG_ENDIAN), 6, tcpLen)
            : InetChecksum.pseudoIpv6(b, ip + 8, ip + 24, 6, tcpLen);
        b.putShort(t + 16, (short) 0);
        b.putShort(t + 16, (short) InetChecksum.finish(InetChecksum.sum(b, t, stored, pseudo)),
            ByteOrder.BIG_ENDIAN);
        s.checksumState(h, ChecksumState.NONE);
    }
}
