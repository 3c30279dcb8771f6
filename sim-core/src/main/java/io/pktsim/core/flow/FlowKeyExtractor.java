package io.pktsim.core.flow;

import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.packet.PacketParser;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/**
 * Reads the flow key of a packet from its header bytes: the outer IP header's addresses, and the protocol
 * and ports of the first transport header, as the flow dissector does with
 * {@code FLOW_DISSECTOR_F_STOP_AT_ENCAP} (net/core/flow_dissector.c, Linux 6.18), or of the inner header
 * with {@link #extractInner(PacketStore, int, FlowKey)}. Ports are read for TCP, UDP, UDP-Lite and SCTP;
 * a non-first fragment has ports 0 and is marked a fragment. Allocation-free; one instance per thread.
 */
public final class FlowKeyExtractor {

    private final PacketParser parser = new PacketParser();
    private final Ipv4View ipv4 = new Ipv4View();
    private final Ipv6View ipv6 = new Ipv6View();

    /**
     * Fills a key from a packet's outer L3 header (parsing the packet first if its offsets are unset).
     * For an IP-in-IP packet the protocol is the tunnel's (4 or 41) and the ports are 0.
     *
     * @param store the store
     * @param handle the packet
     * @param key the key to fill (cleared first)
     * @return false if the packet is not IP or is malformed (key left cleared)
     */
    public boolean extract(final PacketStore store, final int handle, final FlowKey key) {
        key.clear();
        if (store.networkOffset(handle) < 0 && parser.parse(store, handle) <= PacketParser.NOT_IP) {
            return false;
        }
        final int l3 = store.networkOffset(handle);
        if (l3 < 0) {
            return false;
        }
        return fill(store, handle, store.frameOffset(handle) + l3, store.innerNetworkOffset(handle) < 0, key);
    }

    /**
     * Fills a key from the inner L3 header of a tunnelled packet.
     *
     * @param store the store
     * @param handle the packet
     * @param key the key to fill (cleared first)
     * @return false if the packet has no inner header
     */
    public boolean extractInner(final PacketStore store, final int handle, final FlowKey key) {
        key.clear();
        if (store.networkOffset(handle) < 0 && parser.parse(store, handle) <= PacketParser.NOT_IP) {
            return false;
        }
        final int inner = store.innerNetworkOffset(handle);
        if (inner < 0) {
            return false;
        }
        return fill(store, handle, store.frameOffset(handle) + inner, true, key);
    }

    private boolean fill(final PacketStore store, final int handle, final int at, final boolean withPorts,
        final FlowKey key) {
        final MutableDirectBuffer b = store.buffer();
        final int version = (b.getByte(at) & 0xF0) >>> 4;
        final int l4 = store.transportOffset(handle);
        if (version == 4) {
            ipv4.wrap(b, at);
            key.setIpv4(ipv4.src(), ipv4.dst(), ipv4.protocol(), 0, 0);
            key.setFragment(ipv4.isFragment(), ipv4.fragmentOffsetBytes() == 0);
            if (withPorts && l4 >= 0 && hasPorts(ipv4.protocol())) {
                readPorts(b, store.frameOffset(handle) + l4, key);
            }
            return true;
        }
        if (version == 6) {
            ipv6.wrap(b, at);
            final int limit = store.frameOffset(handle) + store.storedLength(handle) - at;
            ipv6.walkExtensionHeaders(limit);
            key.setIpv6(ipv6.srcHi(), ipv6.srcLo(), ipv6.dstHi(), ipv6.dstLo(), ipv6.upperLayerProtocol(), 0, 0,
                ipv6.flowLabel());
            key.setFragment(ipv6.isFragment(), (ipv6.fragmentWord() & 0xFFF8) == 0);
            if (withPorts && l4 >= 0 && hasPorts(ipv6.upperLayerProtocol())) {
                readPorts(b, store.frameOffset(handle) + l4, key);
            }
            return true;
        }
        return false;
    }

    private static boolean hasPorts(final int proto) {
        return proto == FlowKey.PROTO_TCP || proto == FlowKey.PROTO_UDP || proto == FlowKey.PROTO_UDPLITE
            || proto == FlowKey.PROTO_SCTP;
    }

    private static void readPorts(final MutableDirectBuffer b, final int at, final FlowKey key) {
        key.setPorts(((b.getByte(at) & 0xFF) << 8) | (b.getByte(at + 1) & 0xFF),
            ((b.getByte(at + 2) & 0xFF) << 8) | (b.getByte(at + 3) & 0xFF));
    }

    /**
     * The ethertype of an IP version, for callers that build raw-IP packets.
     *
     * @param family 4 or 6
     * @return the ethertype
     */
    public static int ethertypeOf(final int family) {
        return family == FlowKey.FAMILY_IPV6 ? EthernetView.ETHERTYPE_IPV6 : EthernetView.ETHERTYPE_IPV4;
    }
}
