package io.pktsim.lb.rr;

/**
 * {@code fib_select_multipath()} of Linux 3.6 to 4.3: every nexthop holds a credit ({@code nh_power}) equal
 * to its weight; when all credit is spent ({@code fib_power <= 0}) it is refilled. A packet takes
 * {@code w = jiffies % fib_power} and walks the live nexthops, subtracting each one's credit, until
 * {@code w <= 0}; that nexthop is chosen and pays one credit. Over each round of {@code sum(weights)} packets
 * every nexthop gets exactly its weight; the order within a round follows the clock. Allocation-free.
 */
public final class PerPacketRoundRobin {

    private final int count;
    private final int[] weights;
    private final int[] power;
    private final boolean[] dead;
    private final long tickNs;
    private int fibPower;

    /**
     * Creates the route.
     *
     * @param nexthopWeights weights in route order (1..256)
     * @param hz the kernel's {@code CONFIG_HZ} (100, 250, 1000)
     */
    public PerPacketRoundRobin(final int[] nexthopWeights, final int hz) {
        count = nexthopWeights.length;
        if (count == 0 || hz <= 0) {
            throw new IllegalArgumentException("need nexthops and a positive HZ");
        }
        weights = nexthopWeights.clone();
        power = new int[count];
        dead = new boolean[count];
        tickNs = 1_000_000_000L / hz;
    }

    /**
     * Chooses the nexthop of one packet.
     *
     * @param nowNs the simulated time (gives {@code jiffies})
     * @return the nexthop, or 0 when every nexthop is dead (the kernel's "race condition" answer)
     */
    public int choose(final long nowNs) {
        if (fibPower <= 0) {
            int p = 0;
            for (int i = 0; i < count; i++) {
                if (!dead[i]) {
                    p += weights[i];
                    power[i] = weights[i];
                }
            }
            fibPower = p;
            if (p <= 0) {
                return 0;
            }
        }
        final long jiffies = nowNs / tickNs;
        int w = (int) (jiffies % fibPower);
        for (int i = 0; i < count; i++) {
            if (!dead[i] && power[i] != 0) {
                w -= power[i];
                if (w <= 0) {
                    power[i]--;
                    fibPower--;
                    return i;
                }
            }
        }
        return 0;
    }

    /**
     * Marks a nexthop dead or alive (takes effect at the next refill, as in the kernel).
     *
     * @param index the nexthop
     * @param isDead its state
     */
    public void setDead(final int index, final boolean isDead) {
        dead[index] = isDead;
    }

    /**
     * Counts the packets of one flow that arrive out of order when sent every {@code intervalNs} over paths
     * with the given one-way delays (a packet is reordered if an earlier-sent packet arrives after it).
     *
     * @param pathDelayNs one-way delay of each nexthop's path
     * @param startNs the send time of the first packet
     * @param intervalNs the spacing of the packets
     * @param packets the number of packets
     * @return the number of reordered packets
     */
    public int reorderedPackets(final long[] pathDelayNs, final long startNs, final long intervalNs,
        final int packets) {
        long latestArrival = Long.MIN_VALUE;
        int reordered = 0;
        for (int k = 0; k < packets; k++) {
            final long sent = startNs + k * intervalNs;
            final long arrival = sent + pathDelayNs[choose(sent)];
            if (arrival < latestArrival) {
                reordered++;
            } else {
                latestArrival = arrival;
            }
        }
        return reordered;
    }
}
