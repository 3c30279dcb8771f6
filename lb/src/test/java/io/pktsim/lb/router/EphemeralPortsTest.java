package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pktsim.core.random.RandomStream;
import io.pktsim.core.test.AllocationMeter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
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

    private static final long S = 1_000_000_000L;

    /** Every port of the range taken by host 2 to server {@code server}: the ports, in the order drawn. */
    private static List<Integer> fill(final EphemeralPorts p, final int server) {
        final List<Integer> ports = new ArrayList<>();
        for (int c = 0; c < EphemeralPorts.REMAINING; c++) {
            ports.add(p.next(2, server, false, 0L));
        }
        assertThat(ports).doesNotContain(EphemeralPorts.NO_PORT);
        assertThat(p.next(2, server, false, 0L)).isEqualTo(EphemeralPorts.NO_PORT);
        return ports;
    }

    /**
     * A reset or a close before the handshake frees the port at once ({@code tcp_set_state(sk, TCP_CLOSE)},
     * {@code inet_put_port()}): with the range full, the next {@code connect()} to that server takes it.
     */
    @Test
    void shouldGiveAReleasedPortToTheNextConnectionAtOnce() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(5, 0, "ephemeral_port"), 30_000);
        final List<Integer> ports = fill(p, 9);
        final int freed = ports.get(1234);
        p.release(2, 9, freed);
        assertThat(p.next(2, 9, false, 7 * S)).isEqualTo(freed);
        assertThat(p.next(2, 9, false, 7 * S)).isEqualTo(EphemeralPorts.NO_PORT);
    }

    /**
     * An active close keeps the port in {@code TIME_WAIT} for {@code TCP_TIMEWAIT_LEN}, 60 s: refused to that server
     * until then ({@code __inet_check_established()} finds the 4-tuple, {@code tcp_tw_reuse} 2 is loopback only),
     * free from then on; to another server the port is free at once (another 4-tuple).
     */
    @Test
    void shouldKeepAPortInTimeWaitForSixtySecondsToItsServerOnly() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(5, 0, "ephemeral_port"), 60_000);
        final List<Integer> to9 = fill(p, 9);
        final int port = to9.get(777);
        final List<Integer> to10 = fill(p, 10);
        final long closed = 5 * S;
        p.timeWait(2, 9, port, closed);
        p.release(2, 10, port);
        assertThat(p.next(2, 10, false, closed)).as("another server's 4-tuple").isEqualTo(port);
        assertThat(to10).contains(port);
        assertThat(p.next(2, 9, false, closed)).isEqualTo(EphemeralPorts.NO_PORT);
        assertThat(p.next(2, 9, false, closed + EphemeralPorts.TIME_WAIT_NS - 1)).isEqualTo(EphemeralPorts.NO_PORT);
        assertThat(p.next(2, 9, false, closed + EphemeralPorts.TIME_WAIT_NS)).isEqualTo(port);
        assertThat(p.next(2, 9, false, closed + 2 * EphemeralPorts.TIME_WAIT_NS)).isEqualTo(EphemeralPorts.NO_PORT);
        assertThat(EphemeralPorts.TIME_WAIT_NS).isEqualTo(60 * S);
    }

    /** Released ports go out in the scan's order: the range's low parity (even) first, then the odd ones. */
    @Test
    void shouldTakeAFreedEvenPortBeforeAFreedOddOne() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(8, 0, "ephemeral_port"), 30_000);
        final List<Integer> ports = fill(p, 9);
        final int odd = ports.get(EphemeralPorts.REMAINING - 3);
        final int even = ports.get(11);
        assertThat(odd % 2).isOne();
        assertThat(even % 2).isZero();
        p.release(2, 9, odd);
        p.timeWait(2, 9, even, S);
        assertThat(p.next(2, 9, false, 2 * S)).as("the even one still in TIME_WAIT").isEqualTo(odd);
        p.release(2, 9, odd);
        assertThat(p.next(2, 9, false, 61 * S)).as("even first").isEqualTo(even);
        assertThat(p.next(2, 9, false, 61 * S)).isEqualTo(odd);
        assertThat(p.next(2, 9, false, 61 * S)).isEqualTo(EphemeralPorts.NO_PORT);
    }

    /**
     * The draw is unchanged by the release when no scan reaches a released port: connections opened again one after
     * the other, each closing its predecessor (at once, or into {@code TIME_WAIT}), take exactly the ports they took
     * when ports stayed taken. Ports stay unique per server among the sockets that hold them or are in TIME_WAIT.
     */
    @Property(tries = 40)
    void releaseLeavesTheDrawUnchangedWhenNoScanMeetsAFreedPort(@ForAll @IntRange(min = 0, max = 1000) final int seed,
            @ForAll @IntRange(min = 1, max = 800) final int connections, @ForAll final boolean timeWait) {
        final EphemeralPorts kept = new EphemeralPorts(RandomStream.derive(seed, 0, "ephemeral_port"), 2000);
        final EphemeralPorts released = new EphemeralPorts(RandomStream.derive(seed, 0, "ephemeral_port"), 2000);
        final Set<Integer> taken = new HashSet<>();
        int previous = -1;
        for (int c = 0; c < connections; c++) {
            final long now = c * 100_000_000L;
            if (previous >= 0) {
                if (timeWait) {
                    released.timeWait(1, 3, previous, now);
                } else {
                    released.release(1, 3, previous);
                }
            }
            final int port = kept.next(1, 3, false, now);
            assertThat(released.next(1, 3, false, now)).isEqualTo(port);
            assertThat(taken.add(port)).isTrue();
            previous = port;
        }
    }

    /**
     * Connections to one server that end and are opened again many times: 100,000 in a row from one host, far more
     * than the range's 28,232 ports. Released at once, or in TIME_WAIT with one connection every 10 ms (6,000 ports
     * in TIME_WAIT at a time), none is refused; at one every 1 ms, 60,000 would be in TIME_WAIT, so the range runs
     * out once every port is held or in TIME_WAIT, and the first port comes free 60 s after its close.
     */
    @Test
    void shouldNotRunOutWhenConnectionsEndAndReopenUnlessTimeWaitHoldsTheRange() {
        for (final long gap : new long[] {0L, 10_000_000L}) {
            final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(13, 0, "ephemeral_port"), 200_000);
            int port = p.next(4, 1, false, 0L);
            for (int c = 1; c < 100_000; c++) {
                final long now = c * gap;
                if (gap == 0) {
                    p.release(4, 1, port);
                } else {
                    p.timeWait(4, 1, port, now);
                }
                port = p.next(4, 1, false, now);
                assertThat(port).as("connection %d, gap %d ns", c, gap).isNotEqualTo(EphemeralPorts.NO_PORT);
            }
        }
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(13, 0, "ephemeral_port"), 200_000);
        int port = p.next(4, 1, false, 0L);
        final long gap = 1_000_000L;
        int c = 1;
        while (true) {
            p.timeWait(4, 1, port, c * gap);
            port = p.next(4, 1, false, c * gap);
            if (port == EphemeralPorts.NO_PORT) {
                break;
            }
            c++;
        }
        // the connection that found none was the range's 28,233rd: 28,232 ports in TIME_WAIT (the last just closed)
        assertThat(c).isEqualTo(EphemeralPorts.REMAINING);
        final long firstClose = gap;
        assertThat(p.next(4, 1, false, firstClose + EphemeralPorts.TIME_WAIT_NS - 1))
            .isEqualTo(EphemeralPorts.NO_PORT);
        assertThat(p.next(4, 1, false, firstClose + EphemeralPorts.TIME_WAIT_NS))
            .isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
    }

    @Test
    void shouldRefuseToReleaseAPortItDidNotGive() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(3, 0, "ephemeral_port"));
        final int port = p.next(5, 9, false, 0L);
        assertThatThrownBy(() -> p.release(5, 8, port)).isInstanceOf(IllegalStateException.class);
        p.timeWait(5, 9, port, S);
        assertThatThrownBy(() -> p.release(5, 9, port)).isInstanceOf(IllegalStateException.class);
    }

    /** A connection opened again after its predecessor closed (at once or into TIME_WAIT) allocates nothing. */
    @Test
    void shouldNotAllocateToReleaseAndDrawAgain() {
        final EphemeralPorts p = new EphemeralPorts(RandomStream.derive(3, 0, "ephemeral_port"));
        final int[] last = {p.next(5, 9, false, 0L)};
        final long[] now = {0L};
        AllocationMeter.assertNoAllocation("EphemeralPorts release, timeWait and next", 100, 100, () -> {
            now[0] += 1_000_000L;
            p.release(5, 9, last[0]);
            last[0] = p.next(5, 9, false, now[0]);
            p.timeWait(5, 9, last[0], now[0]);
            last[0] = p.next(5, 9, false, now[0]);
        });
        assertThat(last[0]).isBetween(EphemeralPorts.LOW, EphemeralPorts.HIGH);
    }
}
