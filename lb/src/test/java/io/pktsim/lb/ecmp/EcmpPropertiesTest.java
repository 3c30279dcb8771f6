package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import io.pktsim.lb.spread.DialSpread;
import io.pktsim.stack.fib.MultipathLookup;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Property tests: determinism and symmetry, weights in the distribution, the busy-dial law. */
class EcmpPropertiesTest {

    @Property(tries = 300)
    void sameFlowSameNexthopInBothDirections(@ForAll final int src, @ForAll final int dst,
        @ForAll @IntRange(min = 0, max = 255) final int proto, @ForAll @IntRange(min = 0, max = 65535) final int sp,
        @ForAll @IntRange(min = 0, max = 65535) final int dp, @ForAll @IntRange(min = 0, max = 3) final int policy,
        @ForAll final int seed, @ForAll @IntRange(min = 1, max = 0xfff) final int fields) {
        final MultipathHash hash = new MultipathHash(4, policy, fields, seed & 0xFFFF_FFFFL);
        final Ipv4MultipathRoute route = new Ipv4MultipathRoute(3, 1, 4, 1, 5, 9, 2, 6);
        final MultipathLookup a = new MultipathLookup().reset();
        a.key().setIpv4(src, dst, proto, sp, dp);
        final MultipathLookup b = new MultipathLookup().reset();
        b.key().setIpv4(src, dst, proto, sp, dp);
        final MultipathLookup reverse = new MultipathLookup().reset();
        reverse.key().setIpv4(dst, src, proto, dp, sp);
        final int ha = hash.hash(a);
        assertThat(hash.hash(b)).isEqualTo(ha);
        // Direction-independent ("consistentify") unless policy 3 selects one side only (e.g. only the source
        // address): then the kernel hashes different bytes for the two directions.
        final boolean symmetricFields = policy != 3
            || ((fields & 0x03) == 0 || (fields & 0x03) == 0x03) && ((fields & 0x30) == 0 || (fields & 0x30) == 0x30);
        if (symmetricFields) {
            assertThat(hash.hash(reverse)).as("consistentify: direction-independent").isEqualTo(ha);
        }
        assertThat(route.choose(ha, a)).isEqualTo(route.choose(hash.hash(b), b)).isBetween(0, 7);
    }

    @Property(tries = 100)
    void sameIpv6FlowSameNexthopInBothDirections(@ForAll final long srcHi, @ForAll final long srcLo,
        @ForAll final long dstHi, @ForAll final long dstLo, @ForAll @IntRange(min = 0, max = 65535) final int sp,
        @ForAll @IntRange(min = 0, max = 65535) final int dp, @ForAll @IntRange(min = 0, max = 3) final int policy,
        @ForAll @IntRange(min = 0, max = 0xFFFFF) final int label) {
        final MultipathHash hash = new MultipathHash(6, policy, 0x3f, 0xdeadbeefL);
        final MultipathLookup a = new MultipathLookup().reset();
        a.key().setIpv6(srcHi, srcLo, dstHi, dstLo, 6, sp, dp, label);
        final MultipathLookup reverse = new MultipathLookup().reset();
        reverse.key().setIpv6(dstHi, dstLo, srcHi, srcLo, 6, dp, sp, label);
        assertThat(hash.hash(reverse)).isEqualTo(hash.hash(a));
    }

    @Property(tries = 20)
    void weightsShowInTheDistribution(@ForAll @Size(min = 2, max = 8) final java.util.List<
        @IntRange(min = 1, max = 256) Integer> weightList, @ForAll final long flowSeed) {
        final int[] w = weightList.stream().mapToInt(Integer::intValue).toArray();
        final MultipathHash hash = new MultipathHash(4, 1, 7, 0x12345678L);
        final Ipv4MultipathRoute route = new Ipv4MultipathRoute(w);
        final SplittableRandom rnd = new SplittableRandom(flowSeed);
        final int flows = 40_000;
        final long[] counts = new long[w.length];
        final MultipathLookup l = new MultipathLookup();
        for (int i = 0; i < flows; i++) {
            l.reset().key().setIpv4(rnd.nextInt(), rnd.nextInt(), 6, rnd.nextInt(65536), 443);
            counts[route.choose(hash.hash(l), l)]++;
        }
        long total = 0;
        for (final int x : w) {
            total += x;
        }
        for (int i = 0; i < w.length; i++) {
            final double p = (double) w[i] / total;
            final double expected = p * flows;
            final double sigma = Math.sqrt(flows * p * (1 - p));
            assertThat((double) counts[i]).as("nexthop %d of weights %s", i, weightList)
                .isBetween(expected - 5 * sigma - 1, expected + 5 * sigma + 1);
        }
    }

    @Property(tries = 30)
    void busyDialLawHoldsAgainstSimulation(@ForAll @IntRange(min = 1, max = 64) final int dials,
        @ForAll @IntRange(min = 0, max = 200) final int connections, @ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int trials = 2000;
        double sum = 0;
        double sumWithHash = 0;
        final MultipathHash hash = new MultipathHash(4, 1, 7, rnd.nextLong() & 0xFFFF_FFFFL);
        final int[] ones = new int[dials];
        java.util.Arrays.fill(ones, 1);
        final Ipv4MultipathRoute route = new Ipv4MultipathRoute(ones);
        final MultipathLookup l = new MultipathLookup();
        final boolean[] busy = new boolean[dials];
        for (int t = 0; t < trials; t++) {
            java.util.Arrays.fill(busy, false);
            int b = 0;
            for (int c = 0; c < connections; c++) {
                final int d = rnd.nextInt(dials);
                if (!busy[d]) {
                    busy[d] = true;
                    b++;
                }
            }
            sum += b;
            if (t < 200) {
                final MultipathLookup[] set = new MultipathLookup[connections];
                for (int c = 0; c < connections; c++) {
                    set[c] = new MultipathLookup().reset();
                    set[c].key().setIpv4(0xC0A80014, 0xCB007150, 6, rnd.nextInt(65536), 443);
                }
                sumWithHash += DialSpread.busy(DialSpread.measure(hash, route, set));
            }
        }
        final double expected = DialSpread.expectedBusy(dials, connections);
        final double[] dist = DialSpread.busyDistribution(dials, connections);
        double var = 0;
        for (int k = 0; k < dist.length; k++) {
            var += dist[k] * (k - expected) * (k - expected);
        }
        final double sd = Math.sqrt(var);
        // Five standard errors, plus two trials' worth of slack: when nearly every trial gives the same count
        // (sd near 0, e.g. 200 flows on 13 dials) the normal approximation fails and one rare outcome alone
        // moves the mean by 1/trials, which is not evidence against the law.
        assertThat(sum / trials).isCloseTo(expected, org.assertj.core.data.Offset.offset(5 * sd / Math.sqrt(trials)
            + 2.0 / trials));
        assertThat(sumWithHash / 200).as("the real hash behaves like independent choices")
            .isCloseTo(expected, org.assertj.core.data.Offset.offset(5 * sd / Math.sqrt(200) + 2.0 / 200));
        assertThat(l).isNotNull();
    }
}
