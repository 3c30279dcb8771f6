package io.pktsim.lb.mwan3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class Mwan3PolicyTest {

    private static int[] ones(final int n) {
        final int[] a = new int[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    @Test
    void shouldBuildTheChainAsMwan3SetPolicyDoes() {
        final Mwan3Policy p = new Mwan3Policy(ones(3), new int[] {1, 1, 1}, 60, false, 0, 1);
        // Member 0: fallback; member 1: 1*1000/2 = 500; member 2: 1*1000/3 = 333, inserted at the head.
        assertThat(p.fallbackMember()).isEqualTo(0);
        assertThat(p.statisticRuleCount()).isEqualTo(2);
        assertThat(p.memberAt(0)).isEqualTo(2);
        assertThat(p.perMilleAt(0)).isEqualTo(333);
        assertThat(p.memberAt(1)).isEqualTo(1);
        assertThat(p.perMilleAt(1)).isEqualTo(500);
        assertThat(Mwan3Policy.threshold(333)).isEqualTo(715112055);
        assertThat(p.probabilityOf(2)).isCloseTo(0.333, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(p.probabilityOf(0) + p.probabilityOf(1) + p.probabilityOf(2))
            .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void shouldSkipHigherMetricsAndRestartOnALowerOne() {
        final Mwan3Policy p = new Mwan3Policy(new int[] {3, 2, 1}, new int[] {2, 1, 1}, 60, false, 0, 1);
        assertThat(p.fallbackMember()).isEqualTo(1);
        assertThat(p.statisticRuleCount()).isEqualTo(1);
        assertThat(p.probabilityOf(0)).isZero();
        p.setOnline(1, false);
        assertThat(p.fallbackMember()).isEqualTo(2);
    }

    @Test
    void shouldTruncateSharesToPerMilleSoThatSixtyFourDialsAreNotUniform() {
        final Mwan3Policy p = new Mwan3Policy(ones(60), new int[60], 60, false, 0, 1);
        // The last member's rule says 1000/60 = 16 per mille instead of 16.67.
        assertThat(p.probabilityOf(59)).isCloseTo(0.016, org.assertj.core.data.Offset.offset(1e-9));
        double min = 1;
        double max = 0;
        for (int i = 0; i < 60; i++) {
            min = Math.min(min, p.probabilityOf(i));
            max = Math.max(max, p.probabilityOf(i));
        }
        assertThat(max / min).isGreaterThan(1.05);
    }

    @Test
    void shouldFollowTheComputedSharesInSimulation() {
        final Mwan3Policy p = new Mwan3Policy(new int[] {1, 2, 3, 4}, new int[4], 60, false, 0, 42);
        final int n = 200_000;
        final int[] counts = new int[4];
        for (int i = 0; i < n; i++) {
            counts[p.choose(i, 0)]++;
        }
        for (int m = 0; m < 4; m++) {
            final double expected = p.probabilityOf(m) * n;
            assertThat((double) counts[m]).as("member %d", m).isCloseTo(expected,
                org.assertj.core.data.Offset.offset(5 * Math.sqrt(expected)));
        }
    }

    @Test
    void shouldKeepASourceOnItsInterfaceWhileSticky() {
        final long timeout = 600_000_000_000L;
        final Mwan3Policy p = new Mwan3Policy(ones(8), new int[8], 60, true, timeout, 5);
        final int first = p.choose(0x0A000001, 0);
        for (int i = 1; i < 100; i++) {
            assertThat(p.choose(0x0A000001, i * 1_000_000_000L)).isEqualTo(first);
        }
        p.setOnline(first, false);
        assertThat(p.choose(0x0A000001, 200_000_000_000L)).isNotEqualTo(first);
        final Mwan3Policy q = new Mwan3Policy(ones(8), new int[8], 60, true, 10, 5);
        final java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            seen.add(q.choose(0x0A000001, i * 1_000L));
        }
        assertThat(seen).as("expired entries do not stick").hasSizeGreaterThan(1);
    }

    @Test
    void shouldLimitTheDefaultMaskToSixtyInterfaces() {
        final Mwan3MarkMask mask = new Mwan3MarkMask(Mwan3MarkMask.DEFAULT_MASK);
        assertThat(mask.interfaceMax()).isEqualTo(60);
        assertThat(mask.markOf(1)).isEqualTo(0x0100);
        assertThat(mask.markOf(60)).isEqualTo(0x3C00);
        assertThat(new Mwan3MarkMask(0xFF00).interfaceMax()).isEqualTo(252);
        assertThat(new Mwan3MarkMask(0x0F0F0).markOf(0x1F)).isEqualTo(0x10F0);
        assertThatThrownBy(() -> new Mwan3Policy(ones(64), new int[64], mask.interfaceMax(), false, 0, 1))
            .hasMessageContaining("exceed").hasMessageContaining("60");
        assertThatThrownBy(() -> new Mwan3MarkMask(0x3)).hasMessageContaining("at least 3");
    }

    @Test
    void shouldCountRulesPerPacket() {
        final Mwan3RuleCost cost = new Mwan3RuleCost(8, 2);
        assertThat(cost.establishedRules()).isEqualTo(6);
        assertThat(cost.newConnectionRules(1, 3, false)).isEqualTo(6 + 24 + 1 + 3);
        assertThat(new Mwan3RuleCost(64, 2).establishedRules()).isEqualTo(6);
        assertThat(cost.fibRuleChecks(3)).isEqualTo(12);
        assertThat(cost.fibRuleChecksArrivingOn(3)).isEqualTo(4);
        final Mwan3Policy p = new Mwan3Policy(ones(8), new int[8], 60, false, 0, 1);
        int total = 0;
        for (int i = 0; i < 1000; i++) {
            p.choose(i, 0);
            total += p.lastStatisticRules();
            assertThat(p.lastStatisticRules()).isBetween(1, 7);
        }
        assertThat(total / 1000.0).isBetween(2.0, 6.0);
    }
}
