package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The per-stage cycles of the results: {@code forward} counts each packet once against its path and the stages'
 * cycles are expanded when the results read them, the RX poll's fixed driver and GRO cycles from the frame count.
 * The totals must be the per-packet costs of {@link RouterFixtures#mt7621Like()} times the packets that paid them.
 */
class RouterStageCyclesTest {

    @Test
    void shouldChargeEachForwardedPacketItsStagesOnce() {
        // UDP download through 2 lines x 2 macvlan PPPoE dials: in the window every forwarded packet is a datagram
        // of an established flow from a dial to the LAN (the first datagrams, host to server, are in the warm-up).
        final RouterConfig c = RouterFixtures.config(2, 2, 100 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.udp(2, 4, 10 * RouterFixtures.MBIT, 1000)), 200_000_000L, 5);
        final RouterResults r = new RouterSimulation(c).run(ProgressListener.NONE);
        final long fwd = r.forwardedPackets();
        assertThat(fwd).isGreaterThan(1000);
        // one slow-path pass each: FIB, conntrack, NAT, forward
        assertThat(cycles(r, "fib")).isEqualTo(1100 * fwd);
        assertThat(cycles(r, "conntrack")).isEqualTo(2500 * fwd);
        assertThat(cycles(r, "conntrack_new")).isZero();
        assertThat(cycles(r, "nat")).isEqualTo(750 * fwd);
        assertThat(cycles(r, "forward")).isEqualTo(2000 * fwd);
        // devices to the LAN: the line's VLAN and the LAN's VLAN, the line's macvlan, the dial's PPPoE session (its
        // netif_rx is a second backlog pass and protocol receive)
        assertThat(cycles(r, "vlan")).isEqualTo(2 * 400 * fwd);
        assertThat(cycles(r, "macvlan")).isEqualTo(450 * fwd);
        assertThat(cycles(r, "pppoe")).isEqualTo(1000 * fwd);
        assertThat(cycles(r, "backlog")).isEqualTo(2 * 300 * fwd);
        assertThat(cycles(r, "netif_receive")).isEqualTo(2 * 2000 * fwd);
        assertThat(cycles(r, "qdisc")).isEqualTo(1500 * fwd);
        // the RX poll: GRO's fixed cost on every frame it received
        assertThat(cycles(r, "gro")).isEqualTo(450 * count(r.gro(), "received"));
    }

    private static long cycles(final RouterResults r, final String stage) {
        return r.stages().stream().filter(s -> s.name().equals(stage)).mapToLong(RouterResults.Stage::cycles)
                .sum();
    }

    private static long count(final List<RouterResults.Count> counts, final String name) {
        return counts.stream().filter(x -> x.name().equals(name)).mapToLong(RouterResults.Count::value).findFirst()
                .orElseThrow();
    }
}
