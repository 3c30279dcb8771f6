package io.pktsim.core.cpu;

/**
 * Work that must happen when a step's cycles have run rather than when its logic runs: a driver re-enabling its
 * interrupt source after {@code napi_complete_done()} at the end of its poll, say. Registered during a step with
 * {@link HardwareThread#atStepEnd(StepEndHook, int)}.
 */
@FunctionalInterface
public interface StepEndHook {

    /**
     * The step's cycles have run.
     *
     * @param cpu the hardware thread
     * @param arg the number given at registration
     * @param nowNs the step's end, in nanoseconds
     */
    void onStepEnd(HardwareThread cpu, int arg, long nowNs);
}
