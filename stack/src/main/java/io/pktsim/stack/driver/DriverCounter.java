package io.pktsim.stack.driver;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of a NAPI driver adapter. */
public enum DriverCounter implements CounterDescriptor {
    /** Hard interrupts handled. */
    IRQS("irqs", "hard interrupts handled (source disabled, NAPI scheduled)"),
    /** Frames taken from the RX ring (or descriptors reclaimed on TX). */
    FRAMES("frames", "frames taken from the RX ring, or TX descriptors reclaimed"),
    /** Polls that ended with less than the budget. */
    SHORT_POLLS("short_polls", "polls that ended with less than the budget"),
    /** Interrupt sources re-enabled after napi_complete_done returned true. */
    IRQ_ENABLES("irq_enables", "interrupt sources re-enabled after napi_complete_done");

    private final String label;
    private final String description;

    DriverCounter(final String label, final String description) {
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
