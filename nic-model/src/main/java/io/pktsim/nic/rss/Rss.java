package io.pktsim.nic.rss;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.flow.FlowKeyExtractor;
import io.pktsim.core.hash.Toeplitz;
import io.pktsim.core.packet.PacketStore;

/**
 * RSS on receive: reads the flow fields of a frame with a {@link FlowKeyExtractor}, hashes them with
 * {@link Toeplitz}, stores the hash and its type in the packet ({@code skb_set_hash()}: {@link PacketStore#HASH_L4}
 * when the ports were hashed, {@link PacketStore#HASH_L3} otherwise) and picks the RX queue through the
 * {@link RssIndirection}. Nothing allocates.
 */
public final class Rss {

    private final Toeplitz toeplitz;
    private final RssIndirection indirection;
    private final FlowKeyExtractor extractor = new FlowKeyExtractor();
    private final FlowKey key = new FlowKey();
    private boolean udpPorts;

    /**
     * Creates RSS.
     *
     * @param toeplitz the hash and its key
     * @param indirection the indirection table
     */
    public Rss(final Toeplitz toeplitz, final RssIndirection indirection) {
        this.toeplitz = toeplitz;
        this.indirection = indirection;
    }

    /**
     * Hashes UDP with ports ({@code ethtool -N DEV rx-flow-hash udp4 sdfn}); off by default (addresses only).
     *
     * @param on true to include UDP ports
     * @return this
     */
    public Rss udpPorts(final boolean on) {
        this.udpPorts = on;
        return this;
    }

    /** @return the indirection table */
    public RssIndirection indirection() {
        return indirection;
    }

    /** @return the hash */
    public Toeplitz toeplitz() {
        return toeplitz;
    }

    /**
     * Hashes a frame, stores the hash in the packet and returns its queue.
     *
     * @param store the store
     * @param packet the packet (an Ethernet frame or raw IP)
     * @return the RX queue; 0 for a frame that is not IP (no hash stored)
     */
    public int steer(final PacketStore store, final int packet) {
        final FlowKey k = key;
        if (!extractor.extract(store, packet, k)) {
            store.hash(packet, 0, PacketStore.HASH_NONE);
            return 0;
        }
        final int proto = k.protocol();
        final boolean ports = !k.isFragment()
            && (proto == FlowKey.PROTO_TCP || (udpPorts && proto == FlowKey.PROTO_UDP));
        final int h;
        if (k.family() == FlowKey.FAMILY_IPV4) {
            h = toeplitz.hashIpv4(k.ipv4Src(), k.ipv4Dst(), k.srcPort(), k.dstPort(), ports);
        } else {
            h = toeplitz.hashIpv6(k.ipv6SrcHi(), k.ipv6SrcLo(), k.ipv6DstHi(), k.ipv6DstLo(), k.srcPort(),
                k.dstPort(), ports);
        }
        store.hash(packet, h, ports ? PacketStore.HASH_L4 : PacketStore.HASH_L3);
        return indirection.queueOf(h);
    }
}
