package io.pktsim.stack.conntrack;

import io.pktsim.core.counter.CounterDescriptor;

/**
 * Conntrack counters, after {@code /proc/net/stat/nf_conntrack} and the drop reasons of
 * net/netfilter/nf_conntrack_core.c (Linux 6.18).
 */
public enum ConntrackCounter implements CounterDescriptor {
    /** A packet matched an existing entry. */
    FOUND("found", "Packets that matched an existing connection."),
    /** A packet created a new entry. */
    NEW("new", "Packets that created a new connection."),
    /** A packet was invalid for its connection's state or could not start one (ctstate INVALID). */
    INVALID("invalid", "Packets marked INVALID (no valid state transition)."),
    /** A packet is not tracked by this model (not TCP/UDP over IPv4 or IPv6, or a fragment). */
    UNTRACKED("untracked", "Packets not tracked (not TCP or UDP, or a fragment)."),
    /** The table was full and nothing could be early-dropped: the NEW packet was dropped. */
    TABLE_FULL_DROP("drop", "NEW packets dropped because the table was full (nf_conntrack: table full)."),
    /** A non-assured entry was evicted to make room for a new one ({@code early_drop}). */
    EARLY_DROP("early_drop", "Non-assured connections evicted to make room for new ones."),
    /** An entry expired. */
    TIMED_OUT("timed_out", "Connections removed because their timeout expired."),
    /** An entry was removed by its protocol (a RST before any reply) or because its packet was dropped. */
    DELETED("deleted", "Connections removed by their protocol or aborted before confirmation."),
    /** Source NAT could not keep the original source port and picked another. */
    NAT_PORT_REMAPPED("nat_port_remapped", "Masqueraded connections that needed a different source port."),
    /** Source NAT found no free port: the packet is dropped at confirmation (a clash). */
    NAT_CLASH_DROP("insert_failed", "Packets dropped because no unique NAT tuple was found."),
    /** Masqueraded connections removed because their device went down or their address vanished. */
    MASQ_CLEANUP("masq_cleanup", "Masqueraded connections broken by a device down or address removal.");

    private final String label;
    private final String description;

    ConntrackCounter(final String label, final String description) {
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
