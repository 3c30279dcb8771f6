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
    void shouldStartEachDestinationAtItsOwnOffsetAndNeverRepeatAPortToOneServer() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(7, 0, "ephemeral_port"));
        final Set<Integer> starts = new HashSet<>();
        for (int s = 0; s < 16; s++) {
            final Set<Integer> toServer = new HashSet<>();
            final int port = p.next(0, s, false);
            starts.add(port);
            assertThat(toServer.add(port)).isTrue();
            for (int c = 0; c < 50; c++) {
                assertThat(toServer.add(p.next(0, s, false))).as("port given twice to one server").isTrue();
            }
        }
        assertThat(starts).hasSizeGreaterThan(12);
        final Set<Integer> udp = new HashSet<>();
        for (int c = 0; c < 500; c++) {
            final int port = p.next(0, 0, true);
            assertThat(port).isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
            assertThat(udp.add(port)).as("UDP port given twice").isTrue();
        }
    }

    /**
     * A host's connections to other servers share ports ({@code __inet_check_established()} checks the 4-tuple):
     * four times 4,096 connections from one host fit, where one port per host would run out at 14,116 even ports
     * (the crash a fuzzed scenario found: four downloaders of 4,096 connections on one LAN host).
     */
    @Test
    void shouldShareAPortBetweenConnectionsToDifferentServers() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(11, 0, "ephemeral_port"), 16_384);
        for (int s = 0; s < 4; s++) {
            final Set<Integer> toServer = new HashSet<>();
            for (int c = 0; c < 4096; c++) {
                final int port = p.next(0, s, false);
                assertThat(port).isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
                assertThat(toServer.add(port)).isTrue();
            }
        }
    }

    /**
     * {@code __inet_hash_connect()}: the even ports first, then ({@code other_parity_scan}) the odd ones, then
     * {@code EADDRNOTAVAIL} once every port of the range is taken to that server; another server still gets one.
     */
    @Test
    void shouldTakeTheOtherParityWhenTheEvenPortsAreTakenThenRunOut() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(5, 0, "ephemeral_port"), 30_000);
        final Set<Integer> ports = new HashSet<>();
        for (int c = 0; c < EphemeralPorts.REMAINING; c++) {
            final int port = p.next(2, 9, false);
            assertThat(port).isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
            assertThat(port % 2).as("connection %d", c).isEqualTo(c < EphemeralPorts.REMAINING / 2 ? 0 : 1);
            assertThat(ports.add(port)).isTrue();
        }
        assertThat(p.next(2, 9, false)).isEqualTo(EphemeralPorts.NO_PORT);
        assertThat(p.next(2, 10, false)).isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
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
