package io.pktsim.core.random;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The random streams of one simulation: a seed and a run number (ns-3's {@code RngSeedManager::SetSeed}
 * and {@code SetRun}), from which every named stream is derived with {@link RandomStream#derive}.
 *
 * <p>Replications of a scenario keep the seed and change the run number. Each name may be taken once:
 * two components drawing from one stream would make each one's draws depend on the other's, so a second
 * request for a name is a broken invariant and throws. Streams are made while the model is built;
 * drawing from them allocates nothing.
 */
public final class RandomStreams {

    private final long seed;
    private final long run;
    private final Map<String, RandomStream> streams = new LinkedHashMap<>();

    /**
     * Creates the stream source of one run.
     *
     * @param seed the scenario's seed
     * @param run the run (replication) number
     */
    public RandomStreams(final long seed, final long run) {
        this.seed = seed;
        this.run = run;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return the run number */
    public long run() {
        return run;
    }

    /**
     * Makes the stream of a name, at the start of its sequence.
     *
     * @param name a name unique within the simulation, e.g. {@code "workload.flow3.arrivals"}
     * @return the new stream
     * @throws IllegalStateException if the name was already taken
     */
    public RandomStream stream(final String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("RandomStreams: a stream needs a non-empty name");
        }
        if (streams.containsKey(name)) {
            throw new IllegalStateException("RandomStreams: stream '" + name + "' was already taken (seed "
                + seed + ", run " + run + "); give each component its own stream name");
        }
        final RandomStream s = RandomStream.derive(seed, run, name);
        streams.put(name, s);
        return s;
    }

    /** @return the names taken so far, in the order they were taken (for reports) */
    public Set<String> names() {
        return Collections.unmodifiableSet(streams.keySet());
    }
}
