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

    /** log2 of the number of slices of a {@link #buildPackedChoices packed choice table}: 256 of 2^23 hash values. */
    public static final int BUCKET_BITS = 8;
    /** The length of a bucket table. */
    public static final int BUCKETS = 1 << BUCKET_BITS;
    private static final int BUCKET_SHIFT = 31 - BUCKET_BITS;

    /** The length of a {@link #buildPackedChoices packed choice table}: one {@code long} per slice. */
    public static final int PACKED_CHOICES_LENGTH = BUCKETS;
    /** The largest nexthop index a packed choice entry holds (a positive {@code short}); larger ones are walked. */
    private static final int PACKED_INDEX_MAX = Short.MAX_VALUE;

    /**
     * Builds the packed choice table for {@link #chooseInPackedTable}: per slice {@code b} of 2^23 hash values one
     * {@code long}: in bits 0..31 the one packed bound {@code B} inside the slice (2^31-1 if none), in bits
     * 32..47 the nexthop index for {@code h <= B} and in bits 48..63 the one for {@code h > B}. A slice holding
     * two or more bounds (or a nexthop index above 32767) gets {@code B = -1} and {@code 0xffff} above it: it is
     * walked.
     *
     * @param packedBounds non-decreasing usable bounds, the last 2^31-1
     * @param packedIndex their nexthop indices
     * @param n number of entries (at least 1)
     * @param table receives {@link #PACKED_CHOICES_LENGTH} entries
     */
    public static void buildPackedChoices(final int[] packedBounds, final int[] packedIndex, final int n,
        final long[] table) {
        int below = 0;
        for (int b = 0; b < BUCKETS; b++) {
            final int low = b << BUCKET_SHIFT;
            final int high = low + (1 << BUCKET_SHIFT) - 1;
            while (below < n && packedBounds[below] < low) {
                below++;
            }
            int inside = below;
            while (inside < n && packedBounds[inside] <= high) {
                inside++;
            }
            // below < n: the last bound is 2^31-1, at or above every slice.
            final int bound;
            final int atOrBelow = packedIndex[below];
            final int above;
            if (inside - below == 1) {
                bound = packedBounds[below];
                // The last bound is 2^31-1: no hash lies above it.
                above = packedIndex[below + 1 < n ? below + 1 : below];
            } else {
                bound = Integer.MAX_VALUE;
                above = atOrBelow;
            }
            if (inside - below >= 2 || atOrBelow > PACKED_INDEX_MAX || above > PACKED_INDEX_MAX) {
                table[b] = 0xFFFF_0000_FFFF_FFFFL;
            } else {
                table[b] = Integer.toUnsignedLong(bound) | (long) atOrBelow << 32 | (long) above << 48;
            }
        }
    }

    /**
     * The hash-threshold choice of {@code fib_select_multipath()} (net/ipv4/fib_semantics.c) and
     * {@code fib6_select_path()} (net/ipv6/route.c), Linux 6.18, through a packed choice table: one table read and
     * one compare select the nexthop (the kernel walks the nexthops in order; the result is the same,
     * checked against the walk by a jqwik property). Only a slice holding two bounds is walked
     * ({@link #firstAtOrAbove}; never with 8 nexthops of weights 1..256 whose smallest share is above 1/256).
     * A slice's bound and its two nexthop indices are one {@code long}: one load, one bounds check.
     *
     * @param table the packed choice table ({@link #buildPackedChoices})
     * @param packedBounds non-decreasing usable bounds, the last 2^31-1
     * @param packedIndex their nexthop indices
     * @param n number of packed entries (at least 1)
     * @param hash31 the hash, 0..2^31-1
     * @return the nexthop index
     */
    public static int chooseInPackedTable(final long[] table, final int[] packedBounds, final int[] packedIndex,
        final int n, final int hash31) {
        final long e = table[hash31 >>> BUCKET_SHIFT];
        // h > B only in the few slices holding a bound (a predicted branch); a walked slice has B = -1 and the
        // upper index 0xffff, -1 after the signed shift.
        final int r = hash31 <= (int) e ? (short) (e >>> 32) : (int) (e >> 48);
        if (r >= 0) {
            return r;
        }
        return firstAtOrAbove(packedBounds, packedIndex, n, hash31);
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
