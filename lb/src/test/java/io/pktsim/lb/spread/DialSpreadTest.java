package io.pktsim.lb.spread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;

class DialSpreadTest {

    @Test
    void shouldReproduceTheFiguresOfRouterFacts() {
        assertThat(DialSpread.expectedBusy(8, 6)).isCloseTo(4.41, offset(0.005));
        assertThat(DialSpread.expectedBusy(8, 32)).isCloseTo(7.89, offset(0.005));
        assertThat(DialSpread.expectedBusy(64, 6)).isCloseTo(5.77, offset(0.005));
        assertThat(DialSpread.expectedBusy(64, 64)).isCloseTo(40.6, offset(0.05));
        assertThat(DialSpread.expectedBusy(1, 5)).isEqualTo(1);
        assertThat(DialSpread.expectedBusy(64, 0)).isZero();
        assertThat(DialSpread.expectedBusy(1000, 1_000_000_000_000L)).isCloseTo(1000, offset(1e-9));
    }

    @Test
    void shouldCountAssignmentsExactly() {
        // 3 connections on 2 dials: 2 assignments use one dial, 6 use both.
        assertThat(DialSpread.exactBusyCounts(2, 3)).containsExactly(BigInteger.ZERO, BigInteger.TWO,
            BigInteger.valueOf(6));
        final BigInteger[] c = DialSpread.exactBusyCounts(8, 40);
        BigInteger sum = BigInteger.ZERO;
        BigInteger weighted = BigInteger.ZERO;
        for (int k = 0; k < c.length; k++) {
            sum = sum.add(c[k]);
            weighted = weighted.add(c[k].multiply(BigInteger.valueOf(k)));
        }
        assertThat(sum).isEqualTo(BigInteger.valueOf(8).pow(40));
        final double mean = new java.math.BigDecimal(weighted).divide(new java.math.BigDecimal(sum),
            java.math.MathContext.DECIMAL64).doubleValue();
        assertThat(mean).isCloseTo(DialSpread.expectedBusy(8, 40), offset(1e-12));
    }

    @Test
    void shouldAgreeBetweenTheProbabilityRecursionAndTheExactCounts() {
        final double[] p = DialSpread.busyDistribution(6, 10);
        final BigInteger[] c = DialSpread.exactBusyCounts(6, 10);
        final double total = Math.pow(6, 10);
        for (int k = 0; k <= 6; k++) {
            assertThat(p[k]).isCloseTo(c[k].doubleValue() / total, offset(1e-14));
        }
        final double[] big = DialSpread.busyDistribution(64, 100_000);
        assertThat(big[64]).isCloseTo(1.0, offset(1e-12));
        assertThat(DialSpread.mean(DialSpread.busyDistribution(64, 64))).isCloseTo(DialSpread.expectedBusy(64, 64),
            offset(1e-9));
    }

    @Test
    void shouldWeighTheExpectation() {
        assertThat(DialSpread.expectedBusyWeighted(new double[] {0.5, 0.5}, 3)).isCloseTo(1.75, offset(1e-12));
        assertThat(DialSpread.expectedBusyWeighted(new double[] {1.0, 0.0}, 3)).isEqualTo(1.0);
        final double[] eq = new double[8];
        java.util.Arrays.fill(eq, 1.0 / 8);
        assertThat(DialSpread.expectedBusyWeighted(eq, 6)).isCloseTo(DialSpread.expectedBusy(8, 6), offset(1e-12));
    }
}
