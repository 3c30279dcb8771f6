package io.pktsim.nic.irq;

/**
 * Receives the interrupts an {@link RxCoalescing} decides to assert (the RX done status bit being set).
 */
@FunctionalInterface
public interface CoalescedIrqSink {

    /**
     * Coalescing asserts the interrupt.
     *
     * @param nowNs the time, in nanoseconds
     * @param frames completions signalled by this interrupt
     * @param byTimer true if the {@code rx-usecs} timer fired, false if the frame count was reached (or no
     *     coalescing)
     */
    void onCoalescedIrq(long nowNs, int frames, boolean byTimer);
}
