package io.pktsim.core.cpu;

/**
 * A schedulable task on a {@link HardwareThread} (a kernel thread such as a threaded-NAPI poller, or a user
 * process), run in steps: each step charges its cycles with {@link HardwareThread#charge(int, long)}; tasks
 * take turns step by step (round robin). A task sleeps when a step returns false and runs again after
 * {@link HardwareThread#wake(int, long)}.
 */
@FunctionalInterface
public interface CpuTask {

    /**
     * Runs one step.
     *
     * @param cpu the hardware thread
     * @param nowNs the simulated time the step starts, in nanoseconds
     * @return true if the task is still runnable after the step; false if it goes to sleep
     */
    boolean runStep(HardwareThread cpu, long nowNs);
}
