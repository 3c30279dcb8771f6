package io.pktsim.stack.gso;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of software GSO and of the forwarding MTU check. */
public enum GsoCounter implements CounterDescriptor {
    /** GSO packets segmented in software ({@code validate_xmit_skb} / {@code skb_gso_segment}). */
    SEGMENTED("segmented", "GSO packets segmented in software"),
    /** Segments produced by software GSO. */
    SEGMENTS("segments", "segments produced by software GSO"),
    /** GSO packets left whole because the device segments them (TSO). */
    LEFT_TO_TSO("left_to_tso", "GSO packets passed to a device that does TSO"),
    /** Packets sent as they are (not GSO, or a payload within one segment). */
    PASSED("passed", "packets that needed no segmentation"),
    /** Packets dropped: the segmenter failed (store full, not TCP). */
    DROPPED("dropped", "packets dropped because segmentation failed"),
    /** Forwarded packets dropped with ICMP fragmentation needed (IPv4 with DF). */
    FRAG_NEEDED("frag_needed", "forwarded IPv4 DF packets too big: dropped, ICMP fragmentation needed"),
    /** Forwarded IPv6 packets dropped with ICMPv6 packet too big. */
    PACKET_TOO_BIG("packet_too_big", "forwarded IPv6 packets too big: dropped, ICMPv6 packet too big"),
    /** Forwarded IPv4 packets without DF segmented then fragmented. */
    FRAGMENTED_PACKETS("fragmented_packets", "IPv4 packets (segments) split into fragments"),
    /** IPv4 fragments produced. */
    FRAGMENTS("fragments", "IPv4 fragments produced"),
    /** LRO packets dropped in the forwarding path. */
    LRO_DROPPED("lro_dropped", "LRO aggregates (gso_size set, gso_type 0) dropped when forwarded");

    private final String label;
    private final String description;

    GsoCounter(final String label, final String description) {
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
}
