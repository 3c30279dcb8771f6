package io.pktsim.stack.workload;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of one {@link LinkPipe} or {@link TokenBucketShaper}. */
public enum PipeCounter implements CounterDescriptor {
    /** Packets accepted into the queue (and so, in time, sent on). */
    PACKETS_SENT("packets_sent", "packets accepted and sent on"),
    /** Frame bytes of those packets (without FCS, preamble or gap). */
    BYTES_SENT("bytes_sent", "frame bytes of the packets sent on"),
    /** Packets dropped at the tail because the queue was full (or, policing, for want of tokens). */
    PACKETS_DROPPED("packets_dropped", "packets dropped: queue full, or no tokens when policing"),
    /** Frame bytes of the dropped packets. */
    BYTES_DROPPED("bytes_dropped", "frame bytes of the dropped packets"),
    /** The largest queue seen, in bytes (a high-water mark). */
    QUEUE_MAX_BYTES("queue_max_bytes", "high-water mark of the queue, in bytes");

    private final String label;
    private final String description;

    PipeCounter(final String label, final String description) {
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
