package io.pktsim.lb.spread;

import java.math.BigInteger;
import java.util.Arrays;

import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.lb.ecmp.NexthopChooser;
import io.pktsim.stack.fib.MultipathLookup;

/**
 * Busy dials for C connections over N dials: expectation, distribution, and measurement with the real hash.
 * Off the hot path (analysis); the arrays returned are new.
 */
public final class DialSpread {

    private DialSpread() {
    }

    /**
     * Expected number of busy dials with equal weights: {@code N * (1 - (1 - 1/N)^C)}, computed as
     * {@code -N * expm1(C * log1p(-1/N))} so that large C neither overflows nor loses precision.
     *
     * @param dials N, at least 1
     * @param connections C, at least 0
     * @return the expected number of dials carrying at least one connection
     */
    public static double expectedBusy(final int dials, final long connections) {
        if (dials < 1 || connections < 0) {
            throw new IllegalArgumentException("need dials >= 1 and connections >= 0, got " + dials + ", "
                + connections);
        }
        if (dials == 1) {
            return connections == 0 ? 0 : 1;
        }
        return -dials * Math.expm1(connections * Math.log1p(-1.0 / dials));
    }

    /**
     * Expected number of busy dials with per-dial probabilities: {@code sum_i (1 - (1 - p_i)^C)}.
     *
     * @param probabilities each dial's chance to receive a connection (summing to 1; 0 for a dead dial)
     * @param connections C
     * @return the expected number of busy dials
     */
    public static double expectedBusyWeighted(final double[] probabilities, final long connections) {
        double sum = 0;
        for (final double p : probabilities) {
            if (p >= 1) {
                sum += connections > 0 ? 1 : 0;
            } else if (p > 0) {
                sum += -Math.expm1(connections * Math.log1p(-p));
            }
        }
        return sum;
    }

    /**
     * The exact distribution of the number of busy dials (equal weights), as integer counts: entry k is the
     * number of the {@code N^C} equally likely assignments that keep exactly k dials busy
     * ({@code k! * S(C, k) * binomial(N, k)}, built by the recursion
     * {@code a(t+1, k) = k * a(t, k) + (N - k + 1) * a(t, k - 1)}).
     *
     * @param dials N, at least 1
     * @param connections C, at least 0 (cost grows as C * N big-integer operations)
     * @return counts for k = 0..N; they sum to {@code N^C}
     */
    public static BigInteger[] exactBusyCounts(final int dials, final int connections) {
        BigInteger[] a = new BigInteger[dials + 1];
        Arrays.fill(a, BigInteger.ZERO);
        a[0] = BigInteger.ONE;
        for (int t = 0; t < connections; t++) {
            final BigInteger[] b = new BigInteger[dials + 1];
            b[0] = BigInteger.ZERO;
            for (int k = 1; k <= dials; k++) {
                b[k] = a[k].multiply(BigInteger.valueOf(k)).add(a[k - 1].multiply(BigInteger.valueOf(dials - k + 1)));
            }
            a = b;
        }
        return a;
    }

    /**
     * The distribution of the number of busy dials (equal weights) as probabilities, by the recursion
     * {@code P(t+1, k) = P(t, k) * k / N + P(t, k - 1) * (N - k + 1) / N}: every term is positive, so the
     * result is accurate to rounding for any C (no factorials, no overflow).
     *
     * @param dials N
     * @param connections C
     * @return probabilities for k = 0..N
     */
    public static double[] busyDistribution(final int dials, final long connections) {
        double[] p = new double[dials + 1];
        p[0] = 1;
        double[] q = new double[dials + 1];
        for (long t = 0; t < connections; t++) {
            q[0] = 0;
            for (int k = 1; k <= dials; k++) {
                q[k] = p[k] * k / dials + p[k - 1] * (dials - k + 1) / dials;
            }
            final double[] s = p;
            p = q;
            q = s;
        }
        return p;
    }

    /**
     * The mean of a distribution over 0..N.
     *
     * @param distribution probabilities for k = 0..N
     * @return the mean
     */
    public static double mean(final double[] distribution) {
        double m = 0;
        for (int k = 0; k < distribution.length; k++) {
            m += k * distribution[k];
        }
        return m;
    }

    /**
     * Measures the spread of a flow set with the real hash: how many flows each nexthop gets.
     *
     * @param hash the multipath hash configuration
     * @param chooser the route or group
     * @param flows the lookups, one per connection
     * @return flows per nexthop (index = nexthop)
     */
    public static long[] measure(final MultipathHash hash, final NexthopChooser chooser,
        final MultipathLookup[] flows) {
        final long[] counts = new long[chooser.nexthopCount()];
        // The batch hash (IPv6 flows two at a time, their SipHash chains interleaved), then the choice per flow.
        final int[] hashes = new int[flows.length];
        hash.hashAll(flows, 0, flows.length, hashes);
        for (int i = 0; i < flows.length; i++) {
            final int nh = chooser.choose(hashes[i], flows[i]);
            if (nh >= 0) {
                counts[nh]++;
            }
        }
        return counts;
    }

    /**
     * The number of nonzero entries.
     *
     * @param countsPerDial flows per dial
     * @return busy dials
     */
    public static int busy(final long[] countsPerDial) {
        int b = 0;
        for (final long c : countsPerDial) {
            b += c > 0 ? 1 : 0;
        }
        return b;
    }
}
