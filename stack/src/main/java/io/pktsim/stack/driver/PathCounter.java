package io.pktsim.stack.driver;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of a {@link PacketPath}. */
public enum PathCounter implements CounterDescriptor {
    /** Packets forwarded (handed to TX). */
    FORWARDED("forwarded", "packets forwarded to the TX path"),
    /** Packets dropped by the raw table. */
    RAW_DROPPED("raw_dropped", "packets dropped in the iptables raw table"),
    /** PPPoE session frames taken apart by {@code pppoe_rcv()} and queued again by the ppp device's netif_rx(). */
    PPPOE_RECEIVED("pppoe_received", "PPPoE session frames decapsulated and queued to the backlog again (netif_rx)"),
    /** PPPoE session frames the backlog did not take ({@code netdev_max_backlog}): the ppp device's rx drops. */
    PPPOE_BACKLOG_DROPPED("pppoe_backlog_dropped", "decapsulated PPPoE packets the full backlog dropped");

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
