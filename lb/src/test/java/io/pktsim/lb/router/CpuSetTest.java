package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * {@link CpuSet#exec}'s conversions without a division: cycles to ns ({@code ceil(cycles * 1e9 / clockHz)}) and the
 * SMT slow-down ({@code ns * 2000 / smtPermille}) must equal the divisions for every clock and factor.
 */
class CpuSetTest {

    private static final long[] CLOCKS_HZ = {880_000_000L, 580_000_000L, 3_600_000_000L, 1_000_000_000L,
        1_000_000_007L, 999_999_937L, 1L, 3L, 4_294_967_311L};
    private static final int[] SMT_PERMILLE = {1200, 1000, 1500, 1001, 2000, 1, 7, 999};

    @Test
    void shouldConvertCyclesToNsAsTheDivisionDoes() {
        final SplittableRandom rnd = new SplittableRandom(7);
        for (final long clockHz : CLOCKS_HZ) {
            // one set throughout: conversions from its cache too (a few sizes, each many times)
            final CpuSet shared = new CpuSet(1, 1, clockHz, 1200);
            for (int i = 0; i < 20_000; i++) {
                final long cycles = 1000 + rnd.nextInt(40);
                final long at = Math.max(0L, shared.freeAtNs(0));
                assertThat(shared.exec(0, at, cycles, CpuSet.CTX_SOFTIRQ) - at).as("clock %d cycles %d", clockHz,
                    cycles).isEqualTo((cycles * 1_000_000_000L + clockHz - 1) / clockHz);
            }
            for (final int smt : SMT_PERMILLE) {
                for (int i = 0; i < 4000; i++) {
                    final long cycles = i < 1000 ? i : rnd.nextLong(1L << (1 + rnd.nextInt(40)));
                    // one thread per core: no SMT slow-down
                    final CpuSet one = new CpuSet(1, 1, clockHz, smt);
                    final long ns = (cycles * 1_000_000_000L + clockHz - 1) / clockHz;
                    assertThat(one.exec(0, 0, cycles, CpuSet.CTX_THREAD)).as("clock %d cycles %d", clockHz, cycles)
                        .isEqualTo(ns);
                    // two threads, the sibling busy past the start: slowed down
                    final CpuSet two = new CpuSet(1, 2, clockHz, smt);
                    two.exec(1, 0, Long.MAX_VALUE / (4L * 1_000_000_000L), CpuSet.CTX_THREAD);
                    assertThat(two.exec(0, 0, cycles, CpuSet.CTX_THREAD)).as("clock %d smt %d cycles %d", clockHz,
                        smt, cycles).isEqualTo(ns * 2000L / smt);
                }
            }
        }
    }

    @Test
    void shouldDivideExactlyBelowTheBound() {
        final SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            final long d = 1 + rnd.nextLong(1L << (1 + rnd.nextInt(40)));
            final long recip = ((1L << 62) + d - 1) / d;
            final long max = (1L << 62) / d - 1;
            final long x = i % 2 == 0 ? max - rnd.nextLong(Math.min(max, 1000) + 1) : rnd.nextLong(max + 1);
            assertThat(CpuSet.divide(x, recip)).as("%d / %d", x, d).isEqualTo(x / d);
        }
    }

    /**
     * Busy time counts each piece of work inside the window only, in the work's own context: work handed over before
     * the window and running into it, and work running past the window's end, count their parts inside it, so the
     * contexts add up to the busy time (before, the part carried into the window counted as softirq whatever its
     * context, and the contexts kept the part past the end that the total took off).
     */
    @Test
    void shouldCountEachContextInsideTheWindowOnly() {
        // 1 GHz: a cycle is a ns; window [1000, 2000)
        final CpuSet set = new CpuSet(1, 1, 1_000_000_000L, 1200);
        set.window(1000, 2000);
        assertThat(set.exec(0, 0, 900, CpuSet.CTX_HARDIRQ)).isEqualTo(900);
        // thread work from 900 to 1300: 300 inside
        assertThat(set.exec(0, 850, 400, CpuSet.CTX_THREAD)).isEqualTo(1300);
        set.resetStages();
        // softirq from 1500 to 2400: 500 inside
        assertThat(set.exec(0, 1500, 900, CpuSet.CTX_SOFTIRQ)).isEqualTo(2400);
        // after the window: nothing
        set.exec(0, 2500, 100, CpuSet.CTX_HARDIRQ);
        assertThat(set.busy(0, CpuSet.CTX_HARDIRQ)).isZero();
        assertThat(set.busy(0, CpuSet.CTX_THREAD)).isEqualTo(0.3);
        assertThat(set.busy(0, CpuSet.CTX_SOFTIRQ)).isEqualTo(0.5);
        assertThat(set.busy(0)).isEqualTo(0.8);
    }
}
