package io.pktsim.stack.workload;

import io.pktsim.core.random.RandomStream;

/**
 * Picks the dial (the public source address) of a new connection. In a full scenario the router's balancer
 * decides (ECMP hash or mwan3, in {@code lb}); without a router, {@link #random(RandomStream, int)} spreads
 * connections uniformly, as mwan3's equal weights do.
 */
@FunctionalInterface
public interface DialChooser {

    /**
     * @param server the server the connection goes to
     * @param nowNs the simulated time, in nanoseconds
     * @return the dial, 0 .. dials - 1
     */
    int choose(int server, long nowNs);

    /**
     * Uniform choice per connection.
     *
     * @param random the named stream
     * @param dials the number of dials
     * @return the chooser
     */
    static DialChooser random(final RandomStream random, final int dials) {
        return (server, nowNs) -> random.nextInt(dials);
    }
}
