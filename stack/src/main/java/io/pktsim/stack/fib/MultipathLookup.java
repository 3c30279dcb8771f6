package io.pktsim.stack.fib;

import io.pktsim.core.flow.FlowKey;

/**
 * One multipath route lookup as the kernel's hash sees it: a reusable, mutable holder that the stack fills
 * and hands to a {@link MultipathSelector}. It mirrors the inputs of {@code fib_multipath_hash()}
 * (net/ipv4/route.c) and {@code rt6_multipath_hash()} (net/ipv6/route.c), Linux 6.18:
 *
 * <ul>
 *   <li><b>packet path</b> ({@link #packetPath()} true): there is an {@code skb} — forwarded traffic, and
 *       IPv4 {@code ip route get}. The hash reads the packet's headers: {@link #key()} is the outer flow key
 *       as the flow dissector returns it with {@code FLOW_DISSECTOR_F_STOP_AT_ENCAP} (ports 0 for fragments
 *       and for protocols without ports), {@link #innerKey()} the innermost L3/L4 key of a tunnelled
 *       packet, {@link #icmpEmbeddedKey()} the header embedded in an ICMP error,
 *       {@link #ipv6FirstNextHeader()} the Next Header field of the fixed IPv6 header, and
 *       {@link #skbHash()} / {@link #l4Hash()} a hash already set by the NIC (RSS), RPS or the PPE;</li>
 *   <li><b>flow path</b> ({@link #packetPath()} false): only the flow descriptor exists — locally generated
 *       traffic, and IPv6 {@code ip route get}. {@link #key()} holds {@code saddr}, {@code daddr}, protocol,
 *       ports and flow label of the {@code flowi4}/{@code flowi6}.</li>
 * </ul>
 *
 * <p>{@link #hasSource()} says the lookup carries a source address (local output with a chosen source):
 * IPv4 6.16+ then prefers the nexthop whose preferred source equals it. Forwarded lookups have none.
 */
public final class MultipathLookup {

    private final FlowKey key = new FlowKey();
    private final FlowKey innerKey = new FlowKey();
    private final FlowKey icmpEmbeddedKey = new FlowKey();
    private boolean packetPath = true;
    private boolean hasInner;
    private boolean hasIcmpEmbedded;
    private int ipv6FirstNextHeader = -1;
    private int skbHash;
    private boolean l4Hash;
    private boolean hasSource;
    private int flowMultipathHash;

    /**
     * Resets the lookup to a plain forwarded packet: packet path, no inner or embedded header, no pre-set
     * hash, no source preference, no tunnel hash. The keys are cleared.
     *
     * @return this lookup
     */
    public MultipathLookup reset() {
        key.clear();
        innerKey.clear();
        icmpEmbeddedKey.clear();
        packetPath = true;
        hasInner = false;
        hasIcmpEmbedded = false;
        ipv6FirstNextHeader = -1;
        skbHash = 0;
        l4Hash = false;
        hasSource = false;
        flowMultipathHash = 0;
        return this;
    }

    /** @return the outer flow key (packet path) or the flow descriptor's fields (flow path); fill it in place */
    public FlowKey key() {
        return key;
    }

    /** @return the innermost header's key of a tunnelled packet; meaningful only if {@link #hasInner()} */
    public FlowKey innerKey() {
        return innerKey;
    }

    /** @return the key of the header embedded in an ICMP error; meaningful only if {@link #hasIcmpEmbedded()} */
    public FlowKey icmpEmbeddedKey() {
        return icmpEmbeddedKey;
    }

    /** @return true on the packet path (an {@code skb} exists), false on the flow path */
    public boolean packetPath() {
        return packetPath;
    }

    /**
     * Chooses the packet path (forwarded, or IPv4 {@code ip route get}) or the flow path (local output).
     *
     * @param value true for the packet path
     * @return this lookup
     */
    public MultipathLookup packetPath(final boolean value) {
        packetPath = value;
        return this;
    }

    /** @return whether the packet is tunnelled (IPIP, SIT, GRE, ...) and {@link #innerKey()} is set */
    public boolean hasInner() {
        return hasInner;
    }

    /**
     * Marks the packet as tunnelled (the dissector set {@code FLOW_DIS_ENCAPSULATION}) or not.
     *
     * @param value whether {@link #innerKey()} holds the innermost header
     * @return this lookup
     */
    public MultipathLookup hasInner(final boolean value) {
        hasInner = value;
        return this;
    }

    /** @return whether the packet is an ICMP/ICMPv6 error and {@link #icmpEmbeddedKey()} is set */
    public boolean hasIcmpEmbedded() {
        return hasIcmpEmbedded;
    }

    /**
     * Marks the packet as an ICMP error (IPv4: destination unreachable, source quench, redirect, time
     * exceeded, parameter problem, not a non-first fragment; IPv6: type below 128) whose embedded header is
     * in {@link #icmpEmbeddedKey()}.
     *
     * @param value whether the embedded key is set
     * @return this lookup
     */
    public MultipathLookup hasIcmpEmbedded(final boolean value) {
        hasIcmpEmbedded = value;
        return this;
    }

    /** @return the fixed IPv6 header's Next Header, or -1 when it equals the key's protocol */
    public int ipv6FirstNextHeader() {
        return ipv6FirstNextHeader;
    }

    /**
     * Sets the Next Header field of the fixed IPv6 header (the first extension header's type when there is
     * one), which IPv6 policy 0 hashes on the packet path.
     *
     * @param value the Next Header value 0..255, or -1 for "same as the key's protocol"
     * @return this lookup
     */
    public MultipathLookup ipv6FirstNextHeader(final int value) {
        ipv6FirstNextHeader = value;
        return this;
    }

    /** @return the pre-set {@code skb->hash} */
    public int skbHash() {
        return skbHash;
    }

    /** @return whether {@code skb->l4_hash} is set */
    public boolean l4Hash() {
        return l4Hash;
    }

    /**
     * Sets a hash already on the packet (RSS, RPS, the MT7621 PPE's {@code jhash_1word(foe_index, 0)}).
     * Under policy 1 on the packet path an L4 hash is used as is: {@code h = skbHash >>> 1}.
     *
     * @param hash the 32-bit {@code skb->hash}
     * @param isL4 whether {@code skb->l4_hash} is set
     * @return this lookup
     */
    public MultipathLookup skbHash(final int hash, final boolean isL4) {
        skbHash = hash;
        l4Hash = isL4;
        return this;
    }

    /** @return whether the lookup carries a source address (local output with {@code saddr} chosen) */
    public boolean hasSource() {
        return hasSource;
    }

    /**
     * Says whether the lookup carries a source address ({@code fl4->saddr != 0} on local output). The
     * address itself is the key's source address.
     *
     * @param value true for local output with a source address
     * @return this lookup
     */
    public MultipathLookup hasSource(final boolean value) {
        hasSource = value;
        return this;
    }

    /** @return {@code flowi4_multipath_hash} (0 = none) */
    public int flowMultipathHash() {
        return flowMultipathHash;
    }

    /**
     * Sets {@code flowi4_multipath_hash}, the inner flow's hash that IPv4 tunnels pass to the route lookup
     * of the encapsulated packet (mixed in with {@code jhash_2words} when non-zero; IPv4 only).
     *
     * @param value the hash, 0 for none
     * @return this lookup
     */
    public MultipathLookup flowMultipathHash(final int value) {
        flowMultipathHash = value;
        return this;
    }
}
