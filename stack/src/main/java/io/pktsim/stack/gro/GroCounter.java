package io.pktsim.stack.gro;

import io.pktsim.core.counter.CounterDescriptor;

/**
 * Counters of one {@link GroTable}: what happened to each received packet and what was delivered. The reason
 * of each delivery is counted apart, per {@link GroReason}.
 */
public enum GroCounter implements CounterDescriptor {
    /** Packets handed to GRO ({@code napi_gro_receive}). */
    RECEIVED("received", "packets handed to napi_gro_receive"),
    /** Packets merged into a held aggregate. */
    MERGED("merged", "packets merged into a held aggregate"),
    /** Packets held as a new aggregate. */
    HELD("held", "packets held as a new aggregate"),
    /** Packets delivered alone (GRO_NORMAL), bypasses included. */
    NORMAL("normal", "packets delivered alone (GRO_NORMAL)"),
    /** Of the normal packets, those that bypassed GRO without touching held packets. */
    BYPASS("bypass", "packets that bypassed GRO (L3 sanity, checksum, no handler)"),
    /** Held packets completed (aggregates or single segments) for any reason. */
    COMPLETED("completed", "held packets completed by napi_gro_complete"),
    /** Completed packets that carried more than one segment. */
    AGGREGATES("aggregates", "completed packets made of more than one segment"),
    /** Packets handed to the stack (sink), aggregates counted once. */
    DELIVERED_PACKETS("delivered_packets", "packets handed to the stack"),
    /** Segments handed to the stack (an aggregate counts its gso_segs). */
    DELIVERED_SEGMENTS("delivered_segments", "wire segments handed to the stack"),
    /** Batches handed to the stack ({@code gro_normal_list}). */
    NORMAL_LISTS("normal_lists", "gro_normal_list batches passed up"),
    /** Polls that completed ({@code napi_complete_done}). */
    POLL_COMPLETIONS("poll_completions", "napi_complete_done calls"),
    /** Polls that used their whole weight. */
    FULL_WEIGHT_POLLS("full_weight_polls", "polls that used their whole weight"),
    /** gro_flush_timeout timer arms. */
    TIMER_ARMED("timer_armed", "gro_flush_timeout hrtimer started");

    private final String label;
    private final String description;

    GroCounter(final String label, final String description) {
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
