package io.pktsim.core.packet;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of a {@link PacketStore}. */
public enum PacketStoreCounter implements CounterDescriptor {
    /** A slot was handed out. */
    ALLOCATED("allocated", "A packet slot was allocated."),
    /** A slot was returned. */
    FREED("freed", "A packet slot was freed."),
    /** An allocation found no free slot: the packet was dropped (a modelled drop, like a failed skb alloc). */
    ALLOC_FAILED("alloc_failed", "An allocation found the store full; the packet was dropped."),
    /** The most slots in use at once. */
    HIGH_WATER("high_water", "The largest number of slots in use at one time.");

    private final String label;
    private final String description;

    PacketStoreCounter(final String label, final String description) {
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
