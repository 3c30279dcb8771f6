package io.pktsim.core.cpu;

/**
 * Code that runs in hard-interrupt context on a {@link HardwareThread}: an interrupt handler, an IPI, an
 * hrtimer callback. It runs at once, preempting softirq and task work (which resumes after it), charges its
 * cycles with {@link HardwareThread#charge(int, long)} and may raise softirqs or wake tasks.
 */
@FunctionalInterface
public interface HardIrqHandler {

    /**
     * Handles one interrupt.
     *
     * @param cpu the hardware thread taking the interrupt
     * @param line the interrupt line (or any number the raiser chose)
     * @param nowNs the simulated time, in nanoseconds
     */
    void onHardIrq(HardwareThread cpu, int line, long nowNs);
}
