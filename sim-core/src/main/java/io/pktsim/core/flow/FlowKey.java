package io.pktsim.core.flow;

/**
 * A mutable flow key: address family, source and destination address, L4 protocol, ports and the IPv6
 * flow label. One instance is reused for every packet; nothing here allocates.
 *
 * <p>IPv4 addresses are held as an {@code int} in host order of the big-endian wire value (192.168.1.1 is
 * {@code 0xC0A80101}); IPv6 addresses as two {@code long}s (high and low 64 bits, big-endian on the wire).
 * Ports are unsigned 16-bit values in an {@code int}. For a packet without ports (ICMP, a non-first
 * fragment) the ports are 0.
 */
public final class FlowKey {

    /** Address family of IPv4. */
    public static final int FAMILY_IPV4 = 4;
    /** Address family of IPv6. */
    public static final int FAMILY_IPV6 = 6;

    /** IP protocol number of ICMP. */
    public static final int PROTO_ICMP = 1;
    /** IP protocol number of IPv4-in-IP. */
    public static final int PROTO_IPIP = 4;
    /** IP protocol number of TCP. */
    public static final int PROTO_TCP = 6;
    /** IP protocol number of UDP. */
    public static final int PROTO_UDP = 17;
    /** IP protocol number of IPv6-in-IP. */
    public static final int PROTO_IPV6 = 41;
    /** IP protocol number of GRE. */
    public static final int PROTO_GRE = 47;
    /** IP protocol number of ICMPv6. */
    public static final int PROTO_ICMPV6 = 58;
    /** IP protocol number of UDP-Lite. */
    public static final int PROTO_UDPLITE = 136;
    /** IP protocol number of SCTP. */
    public static final int PROTO_SCTP = 132;

    private int family;
    private int ipv4Src;
    private int ipv4Dst;
    private long ipv6SrcHi;
    private long ipv6SrcLo;
    private long ipv6DstHi;
    private long ipv6DstLo;
    private int protocol;
    private int srcPort;
    private int dstPort;
    private int flowLabel;
    private boolean fragment;
    private boolean firstFragment;

    /** Resets every field to zero. */
    public void clear() {
        family = 0;
        ipv4Src = 0;
        ipv4Dst = 0;
        ipv6SrcHi = 0;
        ipv6SrcLo = 0;
        ipv6DstHi = 0;
        ipv6DstLo = 0;
        protocol = 0;
        srcPort = 0;
        dstPort = 0;
        flowLabel = 0;
        fragment = false;
        firstFragment = false;
    }

    /**
     * Sets an IPv4 key (clearing the IPv6 fields, the flow label and the fragment marks).
     *
     * @param src source address
     * @param dst destination address
     * @param proto IP protocol number
     * @param sport source port (0..65535)
     * @param dport destination port (0..65535)
     * @return this key
     */
    public FlowKey setIpv4(final int src, final int dst, final int proto, final int sport, final int dport) {
        clear();
        family = FAMILY_IPV4;
        ipv4Src = src;
        ipv4Dst = dst;
        protocol = proto;
        srcPort = sport;
        dstPort = dport;
        return this;
    }

    /**
     * Sets an IPv6 key (clearing the IPv4 fields and the fragment marks).
     *
     * @param srcHi high 64 bits of the source address
     * @param srcLo low 64 bits of the source address
     * @param dstHi high 64 bits of the destination address
     * @param dstLo low 64 bits of the destination address
     * @param proto L4 protocol (the upper-layer header after extension headers)
     * @param sport source port (0..65535)
     * @param dport destination port (0..65535)
     * @param label 20-bit flow label
     * @return this key
     */
    public FlowKey setIpv6(
        final long srcHi, final long srcLo, final long dstHi, final long dstLo,
        final int proto, final int sport, final int dport, final int label) {
        clear();
        family = FAMILY_IPV6;
        ipv6SrcHi = srcHi;
        ipv6SrcLo = srcLo;
        ipv6DstHi = dstHi;
        ipv6DstLo = dstLo;
        protocol = proto;
        srcPort = sport;
        dstPort = dport;
        flowLabel = label & 0xFFFFF;
        return this;
    }

    /**
     * Copies every field of another key.
     *
     * @param other the key to copy
     * @return this key
     */
    public FlowKey copyFrom(final FlowKey other) {
        family = other.family;
        ipv4Src = other.ipv4Src;
        ipv4Dst = other.ipv4Dst;
        ipv6SrcHi = other.ipv6SrcHi;
        ipv6SrcLo = other.ipv6SrcLo;
        ipv6DstHi = other.ipv6DstHi;
        ipv6DstLo = other.ipv6DstLo;
        protocol = other.protocol;
        srcPort = other.srcPort;
        dstPort = other.dstPort;
        flowLabel = other.flowLabel;
        fragment = other.fragment;
        firstFragment = other.firstFragment;
        return this;
    }

    /** @return 4, 6, or 0 when no key was read */
    public int family() {
        return family;
    }

    /** @return the IPv4 source address */
    public int ipv4Src() {
        return ipv4Src;
    }

    /** @return the IPv4 destination address */
    public int ipv4Dst() {
        return ipv4Dst;
    }

    /** @return the high 64 bits of the IPv6 source address */
    public long ipv6SrcHi() {
        return ipv6SrcHi;
    }

    /** @return the low 64 bits of the IPv6 source address */
    public long ipv6SrcLo() {
        return ipv6SrcLo;
    }

    /** @return the high 64 bits of the IPv6 destination address */
    public long ipv6DstHi() {
        return ipv6DstHi;
    }

    /** @return the low 64 bits of the IPv6 destination address */
    public long ipv6DstLo() {
        return ipv6DstLo;
    }

    /** @return the L4 protocol number */
    public int protocol() {
        return protocol;
    }

    /** @return the source port, 0 where the packet has none */
    public int srcPort() {
        return srcPort;
    }

    /** @return the destination port, 0 where the packet has none */
    public int dstPort() {
        return dstPort;
    }

    /** @return the 20-bit IPv6 flow label (0 for IPv4) */
    public int flowLabel() {
        return flowLabel;
    }

    /** @return whether the packet is an IP fragment (first or later) */
    public boolean isFragment() {
        return fragment;
    }

    /** @return whether the packet is the first fragment of a fragmented datagram */
    public boolean isFirstFragment() {
        return firstFragment;
    }

    /**
     * Marks the key as a fragment.
     *
     * @param isFragment whether the packet is a fragment
     * @param isFirst whether it is the first fragment (offset 0)
     */
    public void setFragment(final boolean isFragment, final boolean isFirst) {
        fragment = isFragment;
        firstFragment = isFragment && isFirst;
    }

    /**
     * Sets the ports.
     *
     * @param sport source port
     * @param dport destination port
     */
    public void setPorts(final int sport, final int dport) {
        srcPort = sport & 0xFFFF;
        dstPort = dport & 0xFFFF;
    }

    /**
     * Sets the flow label.
     *
     * @param label 20-bit IPv6 flow label
     */
    public void setFlowLabel(final int label) {
        flowLabel = label & 0xFFFFF;
    }

    /**
     * Whether this key and another name the same flow in the same direction.
     *
     * @param o the other key
     * @return true when every field is equal
     */
    public boolean sameAs(final FlowKey o) {
        return family == o.family && ipv4Src == o.ipv4Src && ipv4Dst == o.ipv4Dst
            && ipv6SrcHi == o.ipv6SrcHi && ipv6SrcLo == o.ipv6SrcLo
            && ipv6DstHi == o.ipv6DstHi && ipv6DstLo == o.ipv6DstLo
            && protocol == o.protocol && srcPort == o.srcPort && dstPort == o.dstPort
            && flowLabel == o.flowLabel;
    }

    /** Describes the key in text (allocates; off the hot path). */
    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder(96);
        if (family == FAMILY_IPV4) {
            sb.append(InetText.ipv4(ipv4Src)).append(':').append(srcPort).append(" > ")
                .append(InetText.ipv4(ipv4Dst)).append(':').append(dstPort);
        } else if (family == FAMILY_IPV6) {
            sb.append('[').append(InetText.ipv6(ipv6SrcHi, ipv6SrcLo)).append("]:").append(srcPort).append(" > [")
                .append(InetText.ipv6(ipv6DstHi, ipv6DstLo)).append("]:").append(dstPort)
                .append(" label=0x").append(Integer.toHexString(flowLabel));
        } else {
            sb.append("(no key)");
        }
        sb.append(" proto=").append(protocol);
        if (fragment) {
            sb.append(firstFragment ? " first-fragment" : " fragment");
        }
        return sb.toString();
    }
}
