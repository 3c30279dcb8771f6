package io.pktsim.lb.ecmp;

/**
 * Weights to hash-threshold upper bounds, as {@code fib_rebalance()} (net/ipv4/fib_semantics.c),
 * {@code rt6_multipath_rebalance()} (net/ipv6/route.c) and {@code nh_hthr_group_rebalance()}
 * (net/ipv4/nexthop.c), Linux 6.18: walking the usable nexthops in order with the running weight sum
 * {@code S} and the total {@code T}, {@code ub = DIV_ROUND_CLOSEST_ULL(S << 31, T) - 1}; an excluded nexthop
 * gets -1. A hash {@code h} belongs to the first nexthop with {@code h <= ub}.
 */
public final class UpperBounds {

    /** The upper bound of an excluded (dead, or ignored linkdown) nexthop. */
    public static final int EXCLUDED = -1;

    private UpperBounds() {
    }

    /**
     * One upper bound: {@code floor((S * 2^31 + floor(T / 2)) / T) - 1}.
     *
     * @param runningWeight {@code S}, the sum of the usable weights up to and including this nexthop
     * @param totalWeight {@code T}, the sum of all usable weights (positive)
     * @return the upper bound, 0..2^31-1
     */
    public static int upperBound(final long runningWeight, final long totalWeight) {
        return (int) (((runningWeight << 31) + totalWeight / 2) / totalWeight - 1);
    }

    /**
     * Packs the bounds of the usable nexthops (in order) with their indices, for {@link #firstAtOrAbove}.
     *
     * @param upperBounds the bounds, -1 for excluded nexthops
     * @param count number of nexthops
     * @param packedBounds receives the usable bounds, non-decreasing
     * @param packedIndex receives each packed bound's nexthop index
     * @return the number of packed entries
     */
    public static int pack(final int[] upperBounds, final int count, final int[] packedBounds,
        final int[] packedIndex) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (upperBounds[i] != EXCLUDED) {
                packedBounds[n] = upperBounds[i];
                packedIndex[n] = i;
                n++;
            }
        }
        return n;
    }

    /**
     * The hash-threshold walk without branches: the first packed entry with {@code h <= ub} is the number of
     * entries with {@code ub < h} (the bounds are non-decreasing and the last is 2^31-1). Equal to walking the
     * list; predictable for any hash, which matters because every flow stops at a different nexthop.
     *
     * @param packedBounds non-decreasing usable bounds, the last 2^31-1
     * @param packedIndex their nexthop indices
     * @param n number of entries (at least 1)
     * @param hash31 the hash, 0..2^31-1
     * @return the nexthop index
     */
    public static int firstAtOrAbove(final int[] packedBounds, final int[] packedIndex, final int n,
        final int hash31) {
        int below = 0;
        for (int j = 0; j < n; j++) {
            // ub - h < 0 exactly when ub < h: both lie in -1..2^31-1, so the difference cannot overflow.
            below += (packedBounds[j] - hash31) >>> 31;
        }
        return packedIndex[below];
    }

    /**
     * Computes the upper bounds of a nexthop list.
     *
     * @param weights the weights in route order
     * @param usable which nexthops take part (the others get {@link #EXCLUDED})
     * @param count number of nexthops
     * @param out the upper bounds, written for indices 0..count-1
     * @return the number of usable nexthops
     */
    public static int rebalance(final int[] weights, final boolean[] usable, final int count, final int[] out) {
        long total = 0;
        int alive = 0;
        for (int i = 0; i < count; i++) {
            if (usable[i]) {
                total += weights[i];
                alive++;
            }
        }
        long running = 0;
        for (int i = 0; i < count; i++) {
            if (usable[i]) {
                running += weights[i];
                out[i] = upperBound(running, total);
            } else {
                out[i] = EXCLUDED;
            }
        }
        return alive;
    }
}
