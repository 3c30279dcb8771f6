package io.pktsim.nic.offload;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of the NIC offload engines ({@link Tso}, {@link Lro}). */
public enum OffloadCounter implements CounterDescriptor {
    /** Super-packets the NIC segmented (TSO). */
    TSO_PACKETS("tso_packets", "super-packets segmented by TSO"),
    /** Segments TSO put on the wire. */
    TSO_SEGMENTS("tso_segments", "segments produced by TSO"),
    /** Packets TSO could not take (feature missing, limits); software GSO must cut them. */
    TSO_REFUSED("tso_refused", "GSO packets the device cannot segment"),
    /** Packets passed through unchanged (not GSO). */
    TSO_PASSTHROUGH("tso_passthrough", "non-GSO packets sent as they are"),
    /** Frames received by LRO. */
    LRO_RECEIVED("lro_received", "frames seen by LRO"),
    /** Frames appended to an LRO aggregate. */
    LRO_MERGED("lro_merged", "frames merged into an LRO aggregate"),
    /** Frames that started an LRO aggregate. */
    LRO_STARTED("lro_started", "frames that started an LRO aggregate"),
    /** Frames LRO passed up alone (not eligible, no descriptor, LRO off). */
    LRO_PASSED("lro_passed", "frames passed up without aggregation"),
    /** LRO aggregates handed up. */
    LRO_FLUSHED("lro_flushed", "LRO aggregates handed up"),
    /** Frames passed because every descriptor was busy. */
    LRO_NO_DESCRIPTOR("lro_no_descriptor", "frames passed because max_desc descriptors were busy");

    private final String label;
    private final String description;

    OffloadCounter(final String label, final String description) {
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
