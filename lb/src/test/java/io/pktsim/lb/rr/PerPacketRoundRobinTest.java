package io.pktsim.lb.rr;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PerPacketRoundRobinTest {

    @Test
    void shouldGiveEveryNexthopExactlyItsWeightPerRound() {
        final PerPacketRoundRobin rr = new PerPacketRoundRobin(new int[] {3, 1, 2}, 250);
        for (int round = 0; round < 50; round++) {
            final int[] c = new int[3];
            for (int k = 0; k < 6; k++) {
                c[rr.choose((round * 6L + k) * 1_300_000L)]++;
            }
            assertThat(c).containsExactly(3, 1, 2);
        }
    }

    @Test
    void shouldSprayOneFlowOverThePathsAndReorderItWhenDelaysDiffer() {
        final long[] equal = {10_000_000L, 10_000_000L};
        final long[] unequal = {10_000_000L, 25_000_000L};
        assertThat(new PerPacketRoundRobin(new int[] {1, 1}, 1000).reorderedPackets(equal, 0, 100_000L, 1000))
            .isZero();
        final int reordered = new PerPacketRoundRobin(new int[] {1, 1}, 1000)
            .reorderedPackets(unequal, 0, 100_000L, 1000);
        assertThat(reordered).isGreaterThan(400);
    }

    @Test
    void shouldSkipDeadNexthopsAfterTheRefill() {
        final PerPacketRoundRobin rr = new PerPacketRoundRobin(new int[] {1, 1}, 100);
        rr.setDead(0, true);
        rr.choose(0);
        rr.choose(0);
        for (int k = 0; k < 20; k++) {
            assertThat(rr.choose(k * 10_000_000L)).isEqualTo(1);
        }
    }
}
