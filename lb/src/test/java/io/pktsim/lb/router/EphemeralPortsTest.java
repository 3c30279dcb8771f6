package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.random.RandomStream;
import io.pktsim.core.test.AllocationMeter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EphemeralPortsTest {

    @Test
    void shouldGiveSuccessiveConnectionsToOneServerIncreasingEvenPortsTwoToSixteenApart() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(1, 0, "ephemeral_port"));
        int last = p.next(0, 3, false);
        assertThat(last).isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
        assertThat(last % 2).isZero();
        final Set<Integer> steps = new HashSet<>();
        for (int c = 1; c < 200; c++) {
            final int port = p.next(0, 3, false);
            assertThat(port % 2).as("connect() takes the range's low parity first").isZero();
            int step = port - last;
            if (step < 0) {
                step += EphemeralPorts.REMAINING;
            }
            assertThat(step).isBetween(2, 16);
            steps.add(step);
            last = port;
        }
        // max(0, get_random_u32_below(8) * 2) + 2: all eight steps occur in 199 draws
        assertThat(steps).containsExactlyInAnyOrder(2, 4, 6, 8, 10, 12, 14, 16);
    }

    @Test
    void shouldStartEachDestinationAtItsOwnOffsetAndNeverRepeatAPortOnAHost() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(7, 0, "ephemeral_port"));
        final Set<Integer> starts = new HashSet<>();
        final Set<Integer> host0 = new HashSet<>();
        for (int s = 0; s < 16; s++) {
            final int port = p.next(0, s, false);
            starts.add(port);
            assertThat(host0.add(port)).isTrue();
            for (int c = 0; c < 50; c++) {
                assertThat(host0.add(p.next(0, s, false))).as("port given twice").isTrue();
            }
        }
        assertThat(starts).hasSizeGreaterThan(12);
        for (int c = 0; c < 500; c++) {
            final int port = p.next(0, 0, true);
            assertThat(port).isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
            assertThat(host0.add(port)).as("UDP port given twice").isTrue();
        }
    }

    @Test
    void shouldDrawTheSamePortsForTheSameSeedAndRunAndOthersForAnotherRun() {
        assertThat(draw(1, 0)).isEqualTo(draw(1, 0));
        assertThat(draw(1, 1)).isNotEqualTo(draw(1, 0));
        assertThat(draw(2, 0)).isNotEqualTo(draw(1, 0));
    }

    private static List<Integer> draw(final long seed, final long run) {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(seed, run, "ephemeral_port"));
        final List<Integer> out = new ArrayList<>();
        for (int c = 0; c < 32; c++) {
            out.add(p.next(c % 2, 0, c % 5 == 0));
        }
        return out;
    }

    /** A connection opened again (a reconnection: a host and server already known) allocates nothing. */
    @Test
    void shouldNotAllocateForAConnectionToAKnownServer() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(3, 0, "ephemeral_port"));
        p.next(5, 9, false);
        final int[] last = {0};
        AllocationMeter.assertNoAllocation("EphemeralPorts.next, known host and server", 100, 100,
            () -> last[0] = p.next(5, 9, false));
        assertThat(last[0]).isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
    }
}
