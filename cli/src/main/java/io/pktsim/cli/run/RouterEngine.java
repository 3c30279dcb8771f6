package io.pktsim.cli.run;

import io.pktsim.lb.router.ProgressListener;
import io.pktsim.lb.router.RouterConfig;
import io.pktsim.lb.router.RouterResults;
import io.pktsim.lb.router.RouterSimulation;

/** What {@code pktsim run} calls to simulate: the real {@link RouterSimulation}, or a test double. */
@FunctionalInterface
public interface RouterEngine {

    /** The real engine. */
    RouterEngine SIMULATION = (config, progress) -> new RouterSimulation(config).run(progress);

    /**
     * Runs one configuration.
     *
     * @param config the configuration
     * @param progress receives simulated time as it advances
     * @return the results of the measurement window
     * @throws RuntimeException if the run fails (the command reports it in one line, exit code 1)
     */
    RouterResults run(RouterConfig config, ProgressListener progress);
}
