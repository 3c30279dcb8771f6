package io.pktsim.nic.offload;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.packet.PacketStore;

/**
 * TCP segmentation offload: the NIC cuts a GSO packet into wire segments at transmit, under the same rules as
 * software GSO ({@link TcpSegmenter}), with correct checksums and no CPU cost (nothing is charged to a core).
 * Whether the device can take a packet follows {@code netif_skb_features()} / {@code skb_gso_ok()}
 * (net/core/dev.c, Linux 6.18): the TSO feature of the gso_type, the ECN / MANGLEID / ACCECN sub-features,
 * {@code gso_max_segs} and {@code gso_max_size}; MANGLEID is masked off for IPv4 without DF.
 */
public final class Tso {

    private final PacketStore store;
    private final OffloadFeatures features;
    private final TcpSegmenter segmenter;
    private final Counters<OffloadCounter> counters = new Counters<>(OffloadCounter.class);

    /**
     * Creates the TSO engine of a device.
     *
     * @param store the store
     * @param features the device's features
     */
    public Tso(final PacketStore store, final OffloadFeatures features) {
        this.store = store;
        this.features = features;
        this.segmenter = new TcpSegmenter(store);
    }

    /** @return the counters */
    public Counters<OffloadCounter> counters() {
        return counters;
    }

    /**
     * Whether the device can segment this GSO packet itself ({@code skb_gso_ok()} after
     * {@code gso_features_check()}).
     *
     * @param store the store
     * @param handle a packet with gso_size &gt; 0 and its offsets set
     * @param f the device features
     * @return true if TSO takes it
     */
    public static boolean canSegment(final PacketStore store, final int handle, final OffloadFeatures f) {
        final int type = store.gsoType(handle);
        if ((type & PacketStore.GSO_DODGY) != 0 || (type & PacketStore.GSO_FRAGLIST) != 0) {
            return false;
        }
        if ((type & PacketStore.GSO_TCPV4) != 0 && !f.tso() || (type & PacketStore.GSO_TCPV6) != 0 && !f.tso6()) {
            return false;
        }
        if ((type & (PacketStore.GSO_TCPV4 | PacketStore.GSO_TCPV6)) == 0) {
            return false;
        }
        if ((type & PacketStore.GSO_TCP_ECN) != 0 && !f.tsoEcn()
            || (type & PacketStore.GSO_TCP_ACCECN) != 0 && !f.tsoAccecn()) {
            return false;
        }
        if ((type & (PacketStore.GSO_TCP_FIXEDID | PacketStore.GSO_TCP_FIXEDID_INNER)) != 0
            && (!f.tsoMangleId() || !innerDf(store, handle))) {
            return false;
        }
        if ((type & PacketStore.GSO_IPXIP4) != 0) {
            return false;
        }
        return store.gsoSegs(handle) <= f.gsoMaxSegs() && store.length(handle) - Math.max(0,
            store.networkOffset(handle)) < f.gsoMaxSizeBytes();
    }

    /** gso_features_check(): for IPv4 without DF (the inner header of a tunnel) MANGLEID is masked off. */
    private static boolean innerDf(final PacketStore store, final int handle) {
        final int ip = store.frameOffset(handle) + (store.innerNetworkOffset(handle) >= 0
            ? store.innerNetworkOffset(handle) : store.networkOffset(handle));
        final org.agrona.MutableDirectBuffer b = store.buffer();
        return (b.getByte(ip) & 0xF0) != 0x40 || (b.getByte(ip + 6) & 0x40) != 0;
    }

    /**
     * Transmits a packet through TSO: a GSO packet the device can take is cut into segments (chained from the
     * returned handle, the super-packet freed); a non-GSO packet is returned as it is.
     *
     * @param handle the packet
     * @return the first wire packet (segments chained by {@code next}), or {@link PacketStore#NO_PACKET} when
     *     the device cannot take it ({@link OffloadCounter#TSO_REFUSED}: software GSO must run first) or the
     *     store is full
     */
    public int transmit(final int handle) {
        if (store.gsoSize(handle) == 0) {
            counters.increment(OffloadCounter.TSO_PASSTHROUGH);
            return handle;
        }
        if (!canSegment(store, handle, features)) {
            counters.increment(OffloadCounter.TSO_REFUSED);
            return PacketStore.NO_PACKET;
        }
        final int n = segmenter.segment(handle, false);
        if (n == TcpSegmenter.ERR_TOO_SMALL) {
            counters.increment(OffloadCounter.TSO_PASSTHROUGH);
            store.gsoSize(handle, 0);
            return handle;
        }
        if (n < 0) {
            counters.increment(OffloadCounter.TSO_REFUSED);
            return PacketStore.NO_PACKET;
        }
        counters.increment(OffloadCounter.TSO_PACKETS);
        counters.add(OffloadCounter.TSO_SEGMENTS, n);
        final int first = segmenter.first();
        if (first != handle) {
            store.free(handle);
        }
        return first;
    }
}
