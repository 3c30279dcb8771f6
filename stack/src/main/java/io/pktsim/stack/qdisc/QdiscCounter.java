package io.pktsim.stack.qdisc;

import io.pktsim.core.counter.CounterDescriptor;

/**
 * Counters of a qdisc, as {@code tc -s qdisc} shows them ({@code struct gnet_stats_queue} and
 * {@code tc_fq_codel_qd_stats}, Linux 6.18), plus the reason of each drop.
 */
public enum QdiscCounter implements CounterDescriptor {
    /** A packet was accepted. */
    ENQUEUED("enqueued", "Packets accepted by the qdisc."),
    /** A packet was handed to the device. */
    DEQUEUED("sent", "Packets dequeued for transmission."),
    /** Every packet the qdisc dropped ({@code drops}): {@link #DROP_OVERLIMIT} plus {@link #DROP_CODEL}. */
    DROPPED("dropped", "Packets dropped by the qdisc, all reasons."),
    /** Dropped because the queue (or band) was at its limit ({@code drop_overlimit}). */
    DROP_OVERLIMIT("drop_overlimit", "Packets dropped because the queue was over its packet or memory limit."),
    /** Of {@link #DROP_OVERLIMIT}, those that happened over fq_codel's memory limit ({@code drop_overmemory}). */
    DROP_OVERMEMORY("drop_overmemory", "Packets dropped because the memory limit was exceeded."),
    /** Dropped by the CoDel control law (sojourn time above target for an interval). */
    DROP_CODEL("drop_codel", "Packets dropped by CoDel (sojourn time above target)."),
    /** Marked CE instead of dropped by CoDel ({@code ecn_mark}). */
    ECN_MARK("ecn_mark", "ECN-capable packets marked CE instead of dropped."),
    /** A packet started a new flow in fq_codel ({@code new_flow_count}). */
    NEW_FLOW("new_flow_count", "Packets that made their flow new (fq_codel).");

    private final String label;
    private final String description;

    QdiscCounter(final String label, final String description) {
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
