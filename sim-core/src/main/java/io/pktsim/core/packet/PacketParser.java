package io.pktsim.core.packet;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.header.PppoeView;
import org.agrona.MutableDirectBuffer;

/**
 * Finds the L3 and L4 headers of a frame and records them in the packet's metadata
 * ({@code skb->protocol}, network and transport offsets), as a driver's {@code eth_type_trans()} and the
 * IP receive path ({@code ip_rcv_core()}, {@code ipv6_rcv()}, net/ipv4/ip_input.c, net/ipv6/ip6_input.c,
 * Linux 6.18) do between them. Walks up to two VLAN tags and a PPPoE session header in front of the IP
 * header, and one level of IP-in-IP / IPv6-in-IP behind it. Allocation-free; one instance per thread.
 */
public final class PacketParser {

    /** Result: an IP packet with a transport header located. */
    public static final int L4 = 3;
    /** Result: an IP packet without a transport header (a non-first fragment, or an unknown protocol). */
    public static final int L3 = 2;
    /** Result: not IP (ARP, LCP, another ethertype). */
    public static final int NOT_IP = 1;
    /** Result: malformed or truncated headers. */
    public static final int MALFORMED = 0;

    private final Ipv4View ipv4 = new Ipv4View();
    private final Ipv6View ipv6 = new Ipv6View();

    /**
     * Parses a packet and sets its protocol and offsets.
     *
     * @param store the store
     * @param handle the packet
     * @return {@link #L4}, {@link #L3}, {@link #NOT_IP} or {@link #MALFORMED}
     */
    public int parse(final PacketStore store, final int handle) {
        final MutableDirectBuffer b = store.buffer();
        final int frame = store.frameOffset(handle);
        final int stored = Math.min(store.storedLength(handle), store.length(handle));
        store.networkOffset(handle, -1);
        store.transportOffset(handle, -1);
        store.innerNetworkOffset(handle, -1);
        int l3;
        int ethertype;
        if (store.hasFlag(handle, PacketStore.FLAG_RAW_IP)) {
            if (stored < 1) {
                return MALFORMED;
            }
            final int version = (b.getByte(frame) & 0xF0) >>> 4;
            ethertype = version == 4 ? EthernetView.ETHERTYPE_IPV4
                : version == 6 ? EthernetView.ETHERTYPE_IPV6 : 0;
            l3 = 0;
        } else {
            if (stored < EthernetView.LENGTH) {
                return MALFORMED;
            }
            ethertype = getU16(b, frame + EthernetView.ETHERTYPE_OFFSET);
            l3 = EthernetView.LENGTH;
            for (int tags = 0; tags < 2
                && (ethertype == EthernetView.ETHERTYPE_VLAN || ethertype == EthernetView.ETHERTYPE_QINQ); tags++) {
                if (stored < l3 + 4) {
                    return MALFORMED;
                }
                ethertype = getU16(b, frame + l3 + 2);
                l3 += 4;
            }
            if (ethertype == EthernetView.ETHERTYPE_PPPOE_SESSION) {
                if (stored < l3 + PppoeView.LENGTH) {
                    return MALFORMED;
                }
                final int ppp = getU16(b, frame + l3 + PppoeView.PPP_PROTOCOL_OFFSET);
                l3 += PppoeView.LENGTH;
                ethertype = ppp == PppoeView.PPP_IPV4 ? EthernetView.ETHERTYPE_IPV4
                    : ppp == PppoeView.PPP_IPV6 ? EthernetView.ETHERTYPE_IPV6 : 0;
            }
        }
        store.protocol(handle, ethertype);
        if (ethertype == EthernetView.ETHERTYPE_IPV4) {
            return parseIpv4(store, handle, b, frame, l3, stored, true);
        }
        if (ethertype == EthernetView.ETHERTYPE_IPV6) {
            return parseIpv6(store, handle, b, frame, l3, stored, true);
        }
        return NOT_IP;
    }

    private int parseIpv4(final PacketStore store, final int handle, final MutableDirectBuffer b, final int frame,
        final int l3, final int stored, final boolean outer) {
        if (stored < l3 + Ipv4View.MIN_LENGTH) {
            return MALFORMED;
        }
        ipv4.wrap(b, frame + l3);
        final int ihl = ipv4.headerLength();
        if (ipv4.version() != 4 || ihl < Ipv4View.MIN_LENGTH || stored < l3 + ihl) {
            return MALFORMED;
        }
        if (outer) {
            store.networkOffset(handle, l3);
        }
        if ((ipv4.fragWord() & Ipv4View.FRAG_OFFSET_MASK) != 0) {
            return L3;
        }
        final int proto = ipv4.protocol();
        final int l4 = l3 + ihl;
        if (outer && (proto == FlowKey.PROTO_IPIP || proto == FlowKey.PROTO_IPV6) && !ipv4.moreFragments()) {
            return parseInner(store, handle, b, frame, l4, stored, proto);
        }
        store.transportOffset(handle, l4);
        return L4;
    }

    private int parseIpv6(final PacketStore store, final int handle, final MutableDirectBuffer b, final int frame,
        final int l3, final int stored, final boolean outer) {
        if (stored < l3 + Ipv6View.LENGTH) {
            return MALFORMED;
        }
        ipv6.wrap(b, frame + l3);
        if (ipv6.version() != 6) {
            return MALFORMED;
        }
        if (outer) {
            store.networkOffset(handle, l3);
        }
        if (!ipv6.walkExtensionHeaders(stored - l3)) {
            return MALFORMED;
        }
        if (ipv6.isFragment() && (ipv6.fragmentWord() & 0xFFF8) != 0) {
            return L3;
        }
        final int proto = ipv6.upperLayerProtocol();
        final int l4 = l3 + ipv6.upperLayerOffset();
        if (outer && (proto == FlowKey.PROTO_IPIP || proto == FlowKey.PROTO_IPV6) && !ipv6.isFragment()) {
            return parseInner(store, handle, b, frame, l4, stored, proto);
        }
        if (proto == Ipv6View.NEXTHDR_NONE || proto == Ipv6View.NEXTHDR_ESP) {
            return L3;
        }
        store.transportOffset(handle, l4);
        return L4;
    }

    private int parseInner(final PacketStore store, final int handle, final MutableDirectBuffer b, final int frame,
        final int inner, final int stored, final int proto) {
        store.innerNetworkOffset(handle, inner);
        final int r = proto == FlowKey.PROTO_IPIP
            ? parseIpv4(store, handle, b, frame, inner, stored, false)
            : parseIpv6(store, handle, b, frame, inner, stored, false);
        if (r == L4) {
            // the transport header of a tunnelled packet is the inner one (skb_inner_transport_header)
            final int innerL4 = proto == FlowKey.PROTO_IPIP
                ? inner + ipv4.wrap(b, frame + inner).headerLength()
                : inner + ipv6.upperLayerOffset();
            store.transportOffset(handle, innerL4);
        }
        return r == MALFORMED ? MALFORMED : r;
    }

    private static int getU16(final MutableDirectBuffer b, final int at) {
        return ((b.getByte(at) & 0xFF) << 8) | (b.getByte(at + 1) & 0xFF);
    }
}
