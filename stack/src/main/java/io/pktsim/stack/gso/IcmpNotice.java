package io.pktsim.stack.gso;

/**
 * The ICMP error the forwarding path would send for a packet too big for the egress MTU (not built as a
 * packet: a simplification). Reused, mutable; valid until the next call that fills it.
 */
public final class IcmpNotice {

    /** ICMP type 3 code 4, fragmentation needed and DF set ({@code icmp_send(ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED)}). */
    public static final int FRAG_NEEDED = 1;
    /** ICMPv6 type 2, packet too big ({@code icmpv6_send(ICMPV6_PKT_TOOBIG)}). */
    public static final int PACKET_TOO_BIG = 2;

    private int kind;
    private int mtuBytes;

    void set(final int what, final int mtu) {
        kind = what;
        mtuBytes = mtu;
    }

    /** @return {@link #FRAG_NEEDED} or {@link #PACKET_TOO_BIG} */
    public int kind() {
        return kind;
    }

    /** @return the MTU the ICMP error advertises, bytes */
    public int mtuBytes() {
        return mtuBytes;
    }

    /** @return a one-line description (allocates; for reports) */
    public String describe() {
        return kind == FRAG_NEEDED ? "ICMP fragmentation needed (type 3 code 4), next-hop MTU " + mtuBytes
            : "ICMPv6 packet too big (type 2), MTU " + mtuBytes;
    }
}
