package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Every packet an endpoint sends is delivered, still held (between hops or in the RX ring) or dropped. */
class RouterConservationTest {

    @Property(tries = 25)
    void everyPacketIsDeliveredHeldOrDropped(@ForAll @IntRange(min = 1, max = 2) final int lines,
            @ForAll @IntRange(min = 1, max = 3) final int dialsPerLine, @ForAll final boolean pppoe,
            @ForAll final boolean ipv6, @ForAll final RouterConfig.OffloadMode offload,
            @ForAll @IntRange(min = 0, max = 3) final int balancing,
            @ForAll @IntRange(min = 1, max = 6) final int tcp,
            @ForAll @IntRange(min = 0, max = 3) final int udp,
            @ForAll @IntRange(min = 10, max = 200) final int lineMbit,
            @ForAll @IntRange(min = 1, max = 1000) final int seed, @ForAll final boolean pppoeGro,
            @ForAll final boolean groList, @ForAll final boolean udpGroForwarding) {
        final RouterConfig.Balancing b = switch (balancing) {
            case 0 -> RouterConfig.Balancing.none();
            case 1 -> RouterConfig.Balancing.ecmp(1);
            case 2 -> RouterConfig.Balancing.mwan3();
            default -> new RouterConfig.Balancing(RouterConfig.BalanceMode.PER_PACKET, 0, 0, false, 0x3F00);
        };
        final List<RouterConfig.App> apps = udp == 0
                ? List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 2, tcp, RouterConfig.Direction.DOWNLOAD))
                : List.of(RouterFixtures.tcp(RouterConfig.AppKind.P2P, 1, tcp, RouterConfig.Direction.UPLOAD),
                        RouterFixtures.udp(2, udp, 40 * RouterFixtures.MBIT, 1200));
        final RouterConfig base = RouterFixtures.config(lines, dialsPerLine, lineMbit * RouterFixtures.MBIT, pppoe,
                ipv6, offload, b, apps, 120_000_000L, seed);
        // OpenWrt's PPPoE GRO, fraglist GRO (aggregates split again by skb_segment_list) and UDP GRO for forwarding
        // (cut again by __udp_gso_segment) conserve packets too
        final RouterSimulation sim = new RouterSimulation(new RouterConfig(
                base.profile().pppoeGro(pppoeGro).groList(groList).udpGroForwarding(udpGroForwarding), base.lan(),
                base.wan(), base.ipv6(),
                base.balancing(), base.offload(), base.firewall(), base.qdisc(), base.workload(), base.durationNs(),
                base.warmupNs(), base.seed(), base.run(), base.outputs()));
        if (seed % 3 == 0) {
            sim.scheduleRedial(0, 50_000_000L, 20_000_000L);
        }
        final RouterResults r = sim.run(ProgressListener.NONE);
        assertThat(sim.injected()).as("packets sent by endpoints").isPositive();
        assertThat(sim.delivered() + sim.droppedTotal() + sim.held())
                .as("delivered %d + dropped %d + held %d", sim.delivered(), sim.droppedTotal(), sim.held())
                .isEqualTo(sim.injected());
        assertThat(r.forwardedPackets()).isNotNegative();
        assertThat(sim.framesInUse()).as("every packet held in the router or before it is one frame in the store")
                .isEqualTo(sim.heldFrames());
        assertThat(sim.heldFrames()).isLessThanOrEqualTo(sim.held());
        for (final RouterResults.CpuThread t : r.cpuThreads()) {
            assertThat(t.busy()).as("cpu%d busy", t.cpu()).isBetween(0.0, 1.0);
            assertThat(t.hardIrq() + t.softirq() + t.thread()).as("cpu%d's contexts add up to its busy time", t.cpu())
                    .isCloseTo(t.busy(), within(1e-12));
        }
    }
}
