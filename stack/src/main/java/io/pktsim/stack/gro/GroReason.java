package io.pktsim.stack.gro;

import io.pktsim.core.counter.CounterDescriptor;

/**
 * Why GRO handed a packet to the stack: the reason attached to every delivered packet, counted per reason
 * ({@link GroTable#reasonCounters()}) and carried to the trace hook. Delivered alone ("normal", the kernel's
 * {@code GRO_NORMAL}) and completed aggregates ({@code napi_gro_complete()}) share this list; the group of each
 * constant says which it is.
 *
 * <p>Follows {@code dev_gro_receive()} and {@code napi_gro_flush()} (net/core/gro.c), {@code inet_gro_receive()}
 * (net/ipv4/af_inet.c), {@code ipv6_gro_receive()} (net/ipv6/ip6_offload.c), {@code tcp_gro_receive()}
 * (net/ipv4/tcp_offload.c), {@code udp_gro_receive_segment()} (net/ipv4/udp_offload.c) and
 * {@code napi_complete_done()} (net/core/dev.c), Linux 6.18; the PPPoE reasons follow
 * OpenWrt's {@code pppoe_gro_receive()} (650-net-pppoe-implement-GRO-support.patch).
 */
public enum GroReason implements CounterDescriptor {

    // ---------------------------------------------------------------- delivered alone, held packets untouched

    /** Bypass: GRO is off for the device ({@code NETIF_F_GRO} clear, or XDP attached: {@code netif_elide_gro}). */
    GRO_DISABLED("gro_disabled", "GRO is switched off for the device; the packet is passed up as it is"),
    /** Bypass: the ethertype has no GRO handler (ARP, PPPoE session, 802.1Q without CONFIG_VLAN_8021Q, ...). */
    NO_HANDLER("no_handler", "the ethertype has no GRO handler (no PPPoE or VLAN GRO on the modelled kernel)"),
    /** Bypass: the headers are shorter than they claim (truncated frame or header length). */
    MALFORMED("malformed", "the IP or TCP header is truncated or its length field is invalid"),
    /** Bypass: the IPv4 header does not start with 0x45 (IP options, or a bad version or IHL). */
    IPV4_OPTIONS("ipv4_options", "the IPv4 header has options (first byte not 0x45); inet_gro_receive bypasses it"),
    /** Bypass: an IPv4 fragment (MF set or a non-zero offset). */
    IPV4_FRAGMENT("ipv4_fragment", "an IPv4 fragment (MF or offset) bypasses GRO"),
    /** Bypass: the IPv4 header checksum is wrong. */
    IPV4_BAD_CHECKSUM("ipv4_bad_checksum", "the IPv4 header checksum is wrong; the packet bypasses GRO"),
    /** Bypass: an IPv6 packet whose upper layer, after HBH/routing/dest-opts, is not TCP (fragment, AH, ESP...). */
    IPV6_EXTENSION("ipv6_extension", "IPv6 next header is not TCP after the walkable extension headers"),
    /**
     * Bypass: the transport protocol is not TCP (ICMP, ...), or it is UDP and both fraglist GRO and UDP GRO
     * forwarding are off (6.18 merges UDP only with {@code rx-gro-list}, {@code rx-udp-gro-forwarding}, see
     * {@link GroConfig#udpGroForwarding(boolean)}, or a socket that asks for it, which the model never has).
     */
    NOT_TCP("not_tcp", "the transport protocol is not TCP (or UDP without fraglist GRO)"),
    /** Bypass: a second level of IP-in-IP, or an outer IPv6 tunnel header (not modelled). */
    TUNNEL_NESTED("tunnel_nested", "IP-in-IP already nested once (or an IPv6 outer tunnel): ipip_gro_receive bypasses"),
    /** Bypass: the TCP checksum failed verification (CHECKSUM_NONE or COMPLETE). */
    TCP_BAD_CHECKSUM("tcp_bad_checksum", "the TCP checksum failed GRO's verification; held packets are untouched"),

    // ---------------------------------------------------------------- delivered alone after the flow was looked up

    /** Normal: an L3 flush mark (IP length differs from the bytes received, or the evil bit). */
    L3_FLUSH_MARK("l3_flush_mark", "IP total/payload length differs from the received bytes (padding) or evil bit"),
    /** Normal: the packet already has a frag list, or is a GSO packet that is not TCP or is DODGY. */
    GSO_UNTRUSTED("gso_untrusted", "a frag-list skb, a non-TCP GSO skb or a DODGY GSO skb is never merged"),
    /** Normal: no TCP payload (pure ACK, window update, bare FIN/SYN/RST). */
    NO_PAYLOAD("no_payload", "the segment has no payload; it is never held"),
    /** Normal: the segment carries SYN, RST, URG, PSH or FIN and could not be merged. */
    SPECIAL_FLAGS("special_flags", "SYN, RST, URG, PSH or FIN on a segment that was not merged"),
    /** Normal: a GSO skb whose length is not a whole number of its segments. */
    GSO_PARTIAL_TAIL("gso_partial_tail", "an incoming GSO skb with a short last segment is not held"),

    // ---------------------------------------------------------------- a held packet completed: refused merge

    /** Flush: the new segment carries CWR; 6.18 always refuses it (and holds it alone). */
    CWR("cwr", "the new segment has CWR: the merge is always refused in 6.18"),
    /** Flush: the TCP flag word (data offset, flags except FIN/PSH, window) differs. */
    FLAG_WORD("flag_word", "TCP data offset, flags (except FIN/PSH) or window differ"),
    /** Flush: the acknowledgment number differs. */
    ACK_SEQ("ack_seq", "the acknowledgment number differs"),
    /** Flush: the TCP option bytes differ. */
    OPTIONS("options", "the TCP option bytes differ (e.g. another TSval)"),
    /** Flush: the IPv4 TTL or IPv6 hop limit differs (at some IP level). */
    TTL("ttl", "IPv4 TTL or IPv6 hop limit differs"),
    /** Flush: the IPv4 TOS or IPv6 traffic class byte differs (DSCP or ECN). */
    TOS("tos", "IPv4 TOS or IPv6 traffic class differs (DSCP or ECN)"),
    /** Flush: the IPv4 DF bit differs. */
    DF("df", "the IPv4 DF bit differs"),
    /** Flush: the IPv4 ID breaks the incrementing or fixed rule (at some IP level). */
    IP_ID("ip_id", "the IPv4 ID is neither the next incrementing ID nor the fixed ID"),
    /**
     * Flush: the new segment is larger than the aggregate's gso_size (it is held anew); for UDP (fraglist or
     * {@code rx-udp-gro-forwarding}) a datagram longer than the aggregate's first ({@code ulen > ntohs(uh2->len)}).
     */
    LARGER_THAN_MSS("larger_than_mss", "the new segment is larger than the aggregate's gso_size"),
    /** Flush: a zero-length segment met the aggregate. */
    ZERO_LENGTH("zero_length", "a zero-length segment (pure ACK, bare FIN) ends the aggregate"),
    /** Flush: an incoming GSO skb's gso_size differs from the aggregate's. */
    GSO_SIZE("gso_size", "an incoming GSO skb has another gso_size"),
    /** Flush: the sequence number is not the aggregate's next one (gap, overlap, retransmission). */
    SEQUENCE("sequence", "the sequence number is not the next expected one"),
    /**
     * Flush: merging would reach gro_max_size (64 KiB by default); for UDP {@code skb_gro_receive_list()} (fraglist:
     * the new datagram counted whole) or {@code skb_gro_receive()} ({@code rx-udp-gro-forwarding}: its payload)
     * refused at 64 KiB.
     */
    MAX_SIZE("max_size", "the aggregate would reach gro_max_size"),
    /** Flush: the new packet carries an L3 flush mark; the aggregate is completed and the packet goes alone. */
    L3_MARK_REFUSED("l3_mark_refused", "the new packet's L3 flush mark refused the merge"),
    /** Flush (fraglist): checksum state or level differs, or the full flag word (with PSH/FIN) differs. */
    FRAGLIST_MISMATCH("fraglist_mismatch", "fraglist GRO: checksum state or PSH/FIN differ"),
    /**
     * Flush (fraglist): 64 segments chained; TCP refuses the 65th ({@code count >= 64}), UDP completes the aggregate
     * with its 64th ({@code UDP_GRO_CNT_MAX}), with {@code rx-udp-gro-forwarding} as with fraglist GRO.
     */
    FRAGLIST_COUNT("fraglist_count", "fraglist GRO: 64 segments already chained (UDP GRO, fraglist or not: the 64th "
        + "datagram completes the aggregate)"),

    // ---------------------------------------------------------------- a held packet completed: closing merge

    /** Flush: merged a PSH segment; the aggregate is delivered at once. */
    PSH("psh", "merged a PSH segment, which closes the aggregate"),
    /** Flush: merged a FIN segment with payload; the aggregate is delivered at once. */
    FIN("fin", "merged a FIN segment with payload, which closes the aggregate"),
    /**
     * Flush: merged a segment shorter than gso_size (or a GSO skb with a short tail); for UDP (fraglist or {@code
     * rx-udp-gro-forwarding}) merged a datagram shorter than the aggregate's first ({@code ulen != ntohs(uh2->len)}).
     */
    SHORT_SEGMENT("short_segment", "merged a segment shorter than gso_size, which closes the aggregate"),

    // ---------------------------------------------------------------- a held packet completed: flush points

    /** Flush: the bucket held 8 packets and a new one had to be held; the oldest goes. */
    EVICTED("evicted", "the bucket already held MAX_GRO_SKBS (8); the oldest was completed"),
    /** Flush: a poll completed ({@code napi_complete_done}) and flushed everything it held. */
    POLL_COMPLETE("poll_complete", "napi_complete_done flushed every held packet"),
    /** Flush: a poll completed with gro_flush_timeout set and flushed packets from an older jiffy. */
    POLL_COMPLETE_OLD("poll_complete_old", "napi_complete_done with a timeout flushed packets of an older jiffy"),
    /** Flush: a poll used its whole weight; the NAPI stays scheduled and GRO is flushed (HZ &lt; 1000: all). */
    FULL_WEIGHT("full_weight", "a poll used its whole weight: __napi_poll flushed GRO"),
    /** Flush: the device was brought down or the NAPI disabled. */
    NAPI_DISABLE("napi_disable", "NAPI disabled or device down: everything held is flushed"),

    // ---------------------------------------------------------------- delivered alone: OpenWrt's PPPoE handler
    // (after the others so that the ordinals trace consumers hold stay as they were)

    /**
     * Bypass ({@link GroConfig#pppoeGro(boolean)} only): {@code pppoe_gro_receive} found the PPPoE length field + 6
     * unequal to the bytes after the Ethernet header (Ethernet padding, or a bad length): {@code flush = 1}.
     */
    PPPOE_LENGTH("pppoe_length", "pppoe: length does not match (PPPoE length + 6 is not the frame's length after "
        + "the Ethernet header: padding or a bad length)"),
    /** Bypass ({@link GroConfig#pppoeGro(boolean)} only): the PPP protocol is not 0x0021 (IPv4) or 0x0057 (IPv6). */
    PPPOE_NOT_IP("pppoe_not_ip", "pppoe: not IPv4/IPv6 (the PPP protocol is neither 0x0021 nor 0x0057)"),

    // ---------------------------------------------------------------- delivered alone: UDP GRO
    // ({@link GroConfig#rxGroList(boolean)} or {@link GroConfig#udpGroForwarding(boolean)} only, UDP_CHECKSUM_STATE
    // with rx-gro-list only; after the others, as the PPPoE ones; explain napi prints the descriptions)

    /**
     * Bypass: the UDP checksum field is 0 ({@code udp_gro_receive_segment}: "requires non zero csum, for symmetry
     * with GSO", {@code flush = 1}).
     */
    UDP_NO_CHECKSUM("udp_no_checksum", "UDP GRO: the UDP checksum field is 0 (no checksum); the datagram goes up "
        + "alone"),
    /**
     * Bypass: the UDP length is 8 or less, or not the bytes after the IP header ({@code ulen <= sizeof(*uh) ||
     * ulen != skb_gro_len(skb)}: Ethernet padding or a bad length).
     */
    UDP_LENGTH("udp_length", "UDP GRO: the UDP length is 8 or less or not the datagram's bytes (padding or a bad "
        + "length); the datagram goes up alone"),
    /** Bypass: the UDP checksum failed verification ({@code udp4_gro_receive} / {@code udp6_gro_receive}). */
    UDP_BAD_CHECKSUM("udp_bad_checksum", "the UDP checksum failed GRO's verification; held packets are untouched"),
    /**
     * Normal, after the flow was looked up (fraglist GRO only; {@code rx-udp-gro-forwarding} merges regardless): the
     * checksum state ({@code ip_summed}, {@code csum_level}) differs from the held packet's, which stays held
     * ({@code udp_gro_receive_segment}: {@code flush = 1}, no packet completed).
     */
    UDP_CHECKSUM_STATE("udp_checksum_state", "fraglist UDP GRO: the checksum state differs from the held "
        + "packet's; the datagram goes up alone and the held packet stays");

    private final String label;
    private final String description;

    GroReason(final String label, final String description) {
        this.label = label;
        this.description = description;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String description() {
        return description;
    }

    /** @return true if the packet was delivered alone without touching held packets (a bypass) */
    public boolean isBypass() {
        return ordinal() <= TCP_BAD_CHECKSUM.ordinal()
            || ordinal() >= PPPOE_LENGTH.ordinal() && ordinal() <= UDP_BAD_CHECKSUM.ordinal();
    }

    /** @return true if the reason completes a held packet (a flush), false if the packet went alone */
    public boolean isFlush() {
        return ordinal() >= CWR.ordinal() && ordinal() <= NAPI_DISABLE.ordinal();
    }
}
