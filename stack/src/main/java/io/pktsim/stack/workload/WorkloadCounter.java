package io.pktsim.stack.workload;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of a workload ({@link WorkloadStats}), per application. */
public enum WorkloadCounter implements CounterDescriptor {
    /** TCP connections opened (SYN sent). */
    FLOWS_OPENED("flows_opened", "TCP connections opened"),
    /** TCP connections whose both ends finished (FINs exchanged and acknowledged). */
    FLOWS_COMPLETED("flows_completed", "TCP connections closed at both ends"),
    /** Connections the application wanted but could not open (flow pool or client ports exhausted). */
    FLOWS_REJECTED("flows_rejected", "connections not opened: flow pool or ports exhausted"),
    /** Payload bytes delivered to clients by completed flows (download direction). */
    BYTES_DOWN("bytes_down", "payload bytes delivered to clients by completed flows"),
    /** Payload bytes delivered to servers by completed flows (upload direction). */
    BYTES_UP("bytes_up", "payload bytes delivered to servers by completed flows"),
    /** Segments retransmitted by both ends of completed flows. */
    RETRANSMITTED_SEGMENTS("retransmitted_segments", "segments retransmitted by completed flows"),
    /** Retransmission timeouts of completed flows. */
    TIMEOUTS("timeouts", "retransmission timeouts of completed flows"),
    /** Fast retransmits of completed flows. */
    FAST_RETRANSMITS("fast_retransmits", "fast retransmits of completed flows");

    private final String label;
    private final String description;

    WorkloadCounter(final String label, final String description) {
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
