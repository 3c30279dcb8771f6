package io.pktsim.stack.driver;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of a {@link PacketPath}. */
public enum PathCounter implements CounterDescriptor {
    /** Packets forwarded (handed to TX). */
    FORWARDED("forwarded", "packets forwarded to the TX path"),
    /** Packets dropped by the raw table. */
    RAW_DROPPED("raw_dropped", "packets dropped in the iptables raw table");

    private final String label;
    private final String description;

    PathCounter(final String label, final String description) {
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
