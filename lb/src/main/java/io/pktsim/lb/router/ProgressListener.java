package io.pktsim.lb.router;

/** Receives the simulated time of a running {@link RouterSimulation}, a few hundred times per run at most. */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores progress. */
    ProgressListener NONE = (simulatedNs, durationNs) -> { };

    /**
     * Called from the simulation thread as simulated time advances.
     *
     * @param simulatedNs simulated time reached so far, ns (warm-up included)
     * @param durationNs  the run's total simulated time, ns (warm-up included)
     */
    void progress(long simulatedNs, long durationNs);
}
