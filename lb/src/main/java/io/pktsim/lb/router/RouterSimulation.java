package io.pktsim.lb.router;

import java.util.Objects;

/**
 * Runs one {@link RouterConfig} to {@link RouterResults}. One simulation, one thread; not reusable.
 */
public final class RouterSimulation {
    private final RouterConfig config;

    /**
     * Builds the topology for a configuration.
     *
     * @param config the run's configuration
     */
    public RouterSimulation(final RouterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Runs the whole duration (warm-up included).
     *
     * @param progress receives simulated time as it advances
     * @return the results of the measurement window
     */
    public RouterResults run(final ProgressListener progress) {
        throw new UnsupportedOperationException("RouterSimulation is not implemented yet: " + config.dials()
                + " dials");
    }
}
