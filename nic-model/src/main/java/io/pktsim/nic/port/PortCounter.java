package io.pktsim.nic.port;

import io.pktsim.core.counter.CounterDescriptor;

/** The counters of a {@link NicPort}, named as {@code ethtool -S} and {@code ip -s link} show them. */
public enum PortCounter implements CounterDescriptor {
    /** Frames that arrived from the wire (before any drop). */
    RX_FRAMES_IN("rx_frames_in", "frames fully arrived from the wire"),
    /** Frames the driver took from the RX rings. */
    RX_PACKETS("rx_packets", "frames taken from the RX rings by a poll"),
    /** Bytes of those frames. */
    RX_BYTES("rx_bytes", "bytes of the frames taken from the RX rings"),
    /** Frames dropped in software (no buffer); the NIC model itself never drops here. */
    RX_DROPPED("rx_dropped", "frames dropped by the driver for lack of a buffer"),
    /** Frames dropped because their RX ring had no free descriptor. */
    RX_FIFO_ERRORS("rx_fifo_errors", "frames dropped because the RX ring was full (GDM FIFO overflow)"),
    /** Frames marked CHECKSUM_UNNECESSARY by the RX checksum offload. */
    RX_CSUM_UNNECESSARY("rx_csum_unnecessary", "frames whose L4 checksum the NIC verified"),
    /** RX interrupts asserted by coalescing (status bit set). */
    RX_IRQ_ASSERTED("rx_irq_asserted", "RX interrupts asserted by coalescing"),
    /** RX interrupts raised on the line while the queue's source was enabled. */
    RX_IRQ_RAISED("rx_irq_raised", "RX interrupts raised to the CPU"),
    /** RX interrupts held because the queue's source was disabled (NAPI running). */
    RX_IRQ_HELD("rx_irq_held", "RX interrupts held while NAPI had the source masked"),
    /** DIM profile changes. */
    RX_DIM_CHANGES("rx_dim_changes", "adaptive moderation profile changes"),
    /** Frames put on the TX ring and the wire. */
    TX_PACKETS("tx_packets", "frames transmitted"),
    /** Bytes of those frames. */
    TX_BYTES("tx_bytes", "bytes transmitted"),
    /** Frames refused with NETDEV_TX_BUSY. */
    TX_BUSY("tx_busy", "frames refused because the TX queue was stopped or full"),
    /** TX descriptors freed by completion. */
    TX_COMPLETED("tx_completed", "TX descriptors freed by completion"),
    /** TX completion interrupts raised. */
    TX_IRQ("tx_irq", "TX completion interrupts raised");

    private final String label;
    private final String description;

    PortCounter(final String label, final String description) {
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
