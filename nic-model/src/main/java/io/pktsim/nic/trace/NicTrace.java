package io.pktsim.nic.trace;

import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceNames;

/**
 * The NIC model's trace kinds, registered once in a bus's {@link TraceNames}, and the bus they go to.
 * Components publish with {@code if (trace.enabled()) trace.bus().publish(...)}.
 */
public final class NicTrace {

    /** A frame landed in an RX ring slot: numbers queue, slot, occupancy after, ring size. */
    public static final String RX_RING_LAND = "rx_ring_land";
    /** A frame found the RX ring full and was dropped: numbers queue, occupancy, ring size. */
    public static final String RX_RING_FULL = "rx_ring_full";
    /** An interrupt was raised to the CPU: numbers line, queue, frames signalled, by timer (1) or count (0). */
    public static final String IRQ_RAISE = "irq_raise";
    /**
     * A completion was held back by coalescing: numbers queue, pending frames, and the effective limits after
     * the hardware's rounding and caps: frames_limit (frames) and delay_ns (after the first pending frame).
     */
    public static final String IRQ_HELD_COALESCING = "irq_held_coalescing";
    /** An interrupt was held because the queue's source or the line is masked: numbers line, queue. */
    public static final String IRQ_HELD_MASKED = "irq_held_masked";
    /** The coalescing timer fired: numbers queue, pending frames, delay ns. */
    public static final String COALESCE_TIMER = "coalesce_timer";

    private static final NicTrace DISABLED = new NicTrace(TraceBus.disabled());

    private final TraceBus bus;
    private final int kindRxRingLand;
    private final int kindRxRingFull;
    private final int kindIrqRaise;
    private final int kindIrqHeldCoalescing;
    private final int kindIrqHeldMasked;
    private final int kindCoalesceTimer;

    /**
     * Registers the kinds in the bus's names.
     *
     * @param bus the trace bus (may be disabled)
     */
    public NicTrace(final TraceBus bus) {
        this.bus = bus;
        final TraceNames n = bus.names();
        kindRxRingLand = n.kind(RX_RING_LAND, "queue", "slot", "occupancy", "size");
        kindRxRingFull = n.kind(RX_RING_FULL, "queue", "occupancy", "size");
        kindIrqRaise = n.kind(IRQ_RAISE, "line", "queue", "frames", "by_timer");
        kindIrqHeldCoalescing = n.kind(IRQ_HELD_COALESCING, "queue", "pending", "frames_limit", "delay_ns");
        kindIrqHeldMasked = n.kind(IRQ_HELD_MASKED, "line", "queue");
        kindCoalesceTimer = n.kind(COALESCE_TIMER, "queue", "pending", "delay_ns");
    }

    /** @return a shared instance on a disabled bus */
    public static NicTrace disabled() {
        return DISABLED;
    }

    /** @return true if a sink listens: only then publish */
    public boolean enabled() {
        return bus.enabled();
    }

    /** @return the bus */
    public TraceBus bus() {
        return bus;
    }

    /**
     * Registers a component name.
     *
     * @param name e.g. {@code "eth0"}
     * @return its id
     */
    public int component(final String name) {
        return bus.names().component(name);
    }

    /** @return the kind id of {@link #RX_RING_LAND} */
    public int rxRingLand() {
        return kindRxRingLand;
    }

    /** @return the kind id of {@link #RX_RING_FULL} */
    public int rxRingFull() {
        return kindRxRingFull;
    }

    /** @return the kind id of {@link #IRQ_RAISE} */
    public int irqRaise() {
        return kindIrqRaise;
    }

    /** @return the kind id of {@link #IRQ_HELD_COALESCING} */
    public int irqHeldCoalescing() {
        return kindIrqHeldCoalescing;
    }

    /** @return the kind id of {@link #IRQ_HELD_MASKED} */
    public int irqHeldMasked() {
        return kindIrqHeldMasked;
    }

    /** @return the kind id of {@link #COALESCE_TIMER} */
    public int coalesceTimer() {
        return kindCoalesceTimer;
    }
}
