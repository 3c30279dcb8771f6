package io.pktsim.nic.ring;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of a {@link TxRing}, named as the drivers' ethtool -S statistics. */
public enum TxCounter implements CounterDescriptor {
    /** Frames put on a descriptor. */
    TX_QUEUED("tx_queued", "frames placed on a TX descriptor"),
    /** Frames refused because the queue was stopped or the ring full ({@code NETDEV_TX_BUSY}). */
    TX_BUSY("tx_busy", "frames refused with NETDEV_TX_BUSY (queue stopped or ring full)"),
    /** Times the queue was stopped for lack of free descriptors. */
    QUEUE_STOPPED("queue_stopped", "times netif_tx_stop_queue() ran for lack of free descriptors"),
    /** Times the queue was woken by TX completion. */
    QUEUE_WOKEN("queue_woken", "times TX completion woke the stopped queue"),
    /** Descriptors the hardware finished sending. */
    TX_SENT("tx_sent", "descriptors the hardware finished sending"),
    /** Descriptors freed by TX completion. */
    TX_COMPLETED("tx_completed", "descriptors freed by TX completion");

    private final String label;
    private final String description;

    TxCounter(final String label, final String description) {
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
