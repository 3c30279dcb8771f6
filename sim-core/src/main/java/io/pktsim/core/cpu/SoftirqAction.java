package io.pktsim.core.cpu;

/**
 * A softirq's action ({@code struct softirq_action}, kernel/softirq.c, Linux 6.18), run in steps so that
 * simulated time passes between them: each step charges its cycles with {@link HardwareThread#charge(int,
 * long)} and the next step runs when they have executed. {@code net_rx_action()} takes one step per NAPI
 * poll, so its time limit is checked between polls as the kernel does.
 */
@FunctionalInterface
public interface SoftirqAction {

    /**
     * Runs one step of the action.
     *
     * @param cpu the hardware thread
     * @param nowNs the simulated time the step starts, in nanoseconds
     * @return true if the action needs another step in this invocation; false when it has returned
     */
    boolean runStep(HardwareThread cpu, long nowNs);
}
