package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.lb.ecmp.EcmpSelector;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.stack.fib.MultipathLookup;

class RouterSimulationTest {
    private static final long MBIT = RouterFixtures.MBIT;

    private static RouterConfig eightDials(final RouterConfig.OffloadMode offload, final boolean ipv6,
            final int dialsPerLine, final int flows, final long durationNs) {
        return RouterFixtures.config(4, dialsPerLine, 100 * MBIT, true, ipv6, offload, RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 4, flows / 4,
                        RouterConfig.Direction.DOWNLOAD)), durationNs, 7);
    }

    @Test
    void shouldGiveIdenticalResultsForTheSameConfigAndSeed() {
        final RouterConfig c = RouterFixtures.config(2, 2, 100 * MBIT, true, false, RouterConfig.OffloadMode.FLOWTABLE,
                RouterConfig.Balancing.mwan3(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 3, 4, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.udp(1, 2, 10 * MBIT, 1000)), 200_000_000L, 42);
        final RouterResults a = new RouterSimulation(c).run(ProgressListener.NONE);
        final RouterResults b = new RouterSimulation(c).run(ProgressListener.NONE);
        assertThat(a).isEqualTo(b);
        assertThat(a.goodputDownloadBps()).isPositive();
        final RouterResults other = new RouterSimulation(RouterFixtures.config(2, 2, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.FLOWTABLE, RouterConfig.Balancing.mwan3(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 3, 4, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.udp(1, 2, 10 * MBIT, 1000)), 200_000_000L, 43)).run(ProgressListener.NONE);
        assertThat(other).isNotEqualTo(a);
    }

    @Test
    void shouldClampMssTo1452ThroughAPppoeDial() {
        final RouterSimulation ppp = new RouterSimulation(RouterFixtures.config(1, 1, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 2, RouterConfig.Direction.DOWNLOAD),
                        RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 1, RouterConfig.Direction.UPLOAD)),
                100_000_000L, 1));
        final RouterResults r = ppp.run(ProgressListener.NONE);
        for (int f = 0; f < ppp.flowCount(); f++) {
            assertThat(ppp.flowMss(f)).as("flow %d", f).isEqualTo(1452);
        }
        assertThat(r.conntrack()).contains(new RouterResults.Count("mss_clamped", 3));
        assertThat(r.goodputDownloadBps()).isPositive();
        assertThat(r.goodputUploadBps()).isPositive();
        final RouterSimulation v6 = new RouterSimulation(RouterFixtures.config(1, 1, 100 * MBIT, true, true,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 1, RouterConfig.Direction.DOWNLOAD)),
                50_000_000L, 1));
        v6.run(ProgressListener.NONE);
        assertThat(v6.flowMss(0)).isEqualTo(1432);
        final RouterSimulation plain = new RouterSimulation(RouterFixtures.config(1, 1, 100 * MBIT, false, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 1, RouterConfig.Direction.DOWNLOAD)),
                50_000_000L, 1));
        assertThat(plain.run(ProgressListener.NONE).conntrack()).contains(new RouterResults.Count("mss_clamped", 0));
        assertThat(plain.flowMss(0)).isEqualTo(1460);
    }

    @Test
    void shouldBreakTheRedialedDialsNatAndStrandTheFlowsTheKernelMovesUntilTheDialIsBack() {
        final RouterConfig c = RouterFixtures.config(4, 2, 100 * MBIT, true, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 8, 8, RouterConfig.Direction.DOWNLOAD)),
                400_000_000L, 3);
        final RouterSimulation sim = new RouterSimulation(c);
        sim.scheduleRedial(3, 250_000_000L, 100_000_000L);
        sim.start();
        sim.advanceTo(300_000_000L);
        // The kernel's choice, recomputed independently: all 8 nexthops, then nexthop 3 dead.
        final EcmpSelector all = selector(sim.multipathHashSeed());
        final EcmpSelector without3 = selector(sim.multipathHashSeed());
        ((Ipv4MultipathRoute) without3.chooser()).deviceDown(3);
        final MultipathLookup lookup = new MultipathLookup();
        final List<Integer> moved = new ArrayList<>();
        final List<Integer> onDial3 = new ArrayList<>();
        final List<Integer> stranded = new ArrayList<>();
        final List<Integer> broken = new ArrayList<>();
        final int flows = 64;
        for (int f = 0; f < flows; f++) {
            lookup.reset().key().setIpv4(sim.hostIpOf(f), sim.serverIpOf(f), FlowKey.PROTO_TCP, sim.sportOf(f), 443);
            final int before = all.selectNexthop(lookup);
            lookup.reset().key().setIpv4(sim.hostIpOf(f), sim.serverIpOf(f), FlowKey.PROTO_TCP, sim.sportOf(f), 443);
            final int after = without3.selectNexthop(lookup);
            assertThat(sim.flowDial(f)).as("flow %d dial", f).isEqualTo(before);
            if (before == 3) {
                onDial3.add(f);
            } else if (before != after) {
                moved.add(f);
            }
            if (sim.flowMisrouted(f)) {
                stranded.add(f);
            }
            if (sim.flowNatBroken(f)) {
                broken.add(f);
            }
        }
        // dial 3's connections lost their NAT; those the rebalance moved off their live dial are stranded there
        // (their packets leave by another dial with their NAT's address) while dial 3 is down
        assertThat(onDial3).isNotEmpty();
        assertThat(moved).isNotEmpty();
        assertThat(broken).isEqualTo(onDial3);
        assertThat(stranded).isEqualTo(moved);
        // dial 3 back at 350 ms: the route leads every stranded connection home again
        sim.advanceTo(c.totalNs());
        for (final int f : moved) {
            assertThat(sim.flowMisrouted(f)).as("flow %d", f).isFalse();
            assertThat(sim.flowNatBroken(f)).isFalse();
        }
    }

    @Test
    void shouldKeyTheHashWithABootRandomSeedDrawnFromSeedAndRunWhenTheSysctlIsZero() {
        // fib_multipath_hash_seed = 0 selects a random value drawn at boot (net/ipv4/sysctl_net_ipv4.c,
        // proc_fib_multipath_hash_set_seed()); a scenario's (seed, run) is the boot.
        final List<RouterConfig.App> apps =
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 32, RouterConfig.Direction.DOWNLOAD));
        final RouterSimulation a = new RouterSimulation(RouterFixtures.config(4, 2, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.ecmp(1), apps, 50_000_000L, 1));
        final RouterSimulation again = new RouterSimulation(RouterFixtures.config(4, 2, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.ecmp(1), apps, 50_000_000L, 1));
        final RouterSimulation other = new RouterSimulation(RouterFixtures.config(4, 2, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.ecmp(1), apps, 50_000_000L, 2));
        assertThat(a.multipathHashSeed()).isEqualTo(again.multipathHashSeed()).isNotEqualTo(other.multipathHashSeed())
                .isBetween(0L, 0xFFFF_FFFFL);
        final RouterSimulation fixed = new RouterSimulation(RouterFixtures.config(4, 2, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.NONE, new RouterConfig.Balancing(RouterConfig.BalanceMode.ECMP, 1,
                        0x1234_5678L, false, 0x3F00), apps, 50_000_000L, 2));
        assertThat(fixed.multipathHashSeed()).isEqualTo(0x1234_5678L);
        final RouterSimulation none = new RouterSimulation(RouterFixtures.config(4, 2, 100 * MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.mwan3(), apps, 50_000_000L, 2));
        assertThat(none.multipathHashSeed()).isEqualTo(-1L);
        final List<Integer> portsA = new ArrayList<>();
        final List<Integer> portsOther = new ArrayList<>();
        for (int f = 0; f < a.flowCount(); f++) {
            portsA.add(a.sportOf(f));
            portsOther.add(other.sportOf(f));
            assertThat(a.sportOf(f)).isEqualTo(again.sportOf(f));
        }
        assertThat(portsA).doesNotHaveDuplicates().isNotEqualTo(portsOther);
    }

    private static EcmpSelector selector(final long seed) {
        final int[] w = {1, 1, 1, 1, 1, 1, 1, 1};
        return new EcmpSelector(new MultipathHash(FlowKey.FAMILY_IPV4, 1, MultipathHash.FIELDS_DEFAULT, seed),
                new Ipv4MultipathRoute(w));
    }

    @Test
    void shouldNotAllocateOnTheForwardPathAfterWarmUp() {
        final RouterSimulation sim = new RouterSimulation(eightDials(RouterConfig.OffloadMode.NONE, true, 2, 32,
                2_000_000_000L));
        sim.start();
        sim.advance(600_000_000L);
        final long[] t = {600_000_000L};
        final long before = sim.injected();
        // Windows of 1000 steps (200 ms simulated, ~8000 packets): a per-packet allocation shows as kilobytes, while
        // a rare JIT deoptimisation on a loaded machine (which can rematerialise a few objects) rarely falls into
        // three windows in a row.
        AllocationMeter.assertNoAllocation("whole-router forward path", 3_000, 1_000, () -> {
            t[0] += 200_000L;
            sim.advance(t[0]);
        });
        assertThat(sim.injected() - before).as("packets in the measured span").isGreaterThan(10_000);
    }

    @Test
    void shouldCopyFramesFromTemplatesExactlyAsTheBuilderWritesThem() {
        for (final boolean pppoe : new boolean[] {true, false}) {
            final boolean ipv6 = pppoe;
            final RouterConfig c = RouterFixtures.config(2, 2, 100 * MBIT, pppoe, ipv6, RouterConfig.OffloadMode.NONE,
                    RouterConfig.Balancing.ecmp(1),
                    List.of(RouterFixtures.tcp(RouterConfig.AppKind.SPEEDTEST, 2, 4, RouterConfig.Direction.DOWNLOAD),
                            RouterFixtures.tcp(RouterConfig.AppKind.SPEEDTEST, 2, 4, RouterConfig.Direction.UPLOAD),
                            RouterFixtures.udp(2, 2, 10 * MBIT, 1000)), 300_000_000L, 5);
            // a K2P's driver: the PPE takes each frame built at the router from its template's tuple, checked too
            c.profile().driverName("mtk_eth_soc");
            final RouterSimulation sim = new RouterSimulation(c);
            sim.checkTemplates = true;
            final RouterResults r = sim.run(ProgressListener.NONE);
            assertThat(sim.templateChecks).as("templated frames checked, pppoe " + pppoe).isGreaterThan(10_000);
            // the servers' frames built at the router from their send time's template are among those checked
            assertThat(sim.lateBuilt).as("frames built when they reached the router").isGreaterThan(1_000);
            assertThat(r.goodputDownloadBps()).isPositive();
            assertThat(r.goodputUploadBps()).isPositive();
        }
    }

    @Test
    void shouldUseTheConfiguredRootQdisc() {
        final RouterConfig f = RouterFixtures.config(1, 2, 100 * MBIT, true, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.SPEEDTEST, 2, 4, RouterConfig.Direction.DOWNLOAD)),
                100_000_000L, 3);
        final RouterConfig p = f.withQdisc(RouterConfig.QdiscKind.PFIFO_FAST);
        final RouterSimulation fq = new RouterSimulation(f);
        final RouterSimulation pfifo = new RouterSimulation(p);
        assertThat(fq.qdisc()).isInstanceOf(io.pktsim.stack.qdisc.FqCodel.class);
        assertThat(pfifo.qdisc()).isInstanceOf(io.pktsim.stack.qdisc.PfifoFast.class);
        final RouterResults r = pfifo.run(ProgressListener.NONE);
        // Every frame the CPU forwarded passed pfifo_fast (nothing is offloaded here).
        assertThat(pfifo.qdisc().counters().get(io.pktsim.stack.qdisc.QdiscCounter.ENQUEUED))
                .isGreaterThanOrEqualTo(r.forwardedPackets()).isPositive();
    }

    /**
     * The three UDP patterns at the same (on or mean) rate, one host, 4 flows of 1 Mbit/s, 20 s measured: CBR and
     * Poisson deliver the rate; on/off (on and off periods exponential, 500 ms mean each) about half of it, and its
     * flows differ from one another (each has its own periods). Until stop 14 an on/off source never went off.
     */
    @Test
    void shouldDeliverHalfTheRateWithAnOnOffSourceAndTheRateWithCbrOrPoisson() {
        final long cbr = udpGoodput(RouterConfig.AppKind.UDP_CBR).goodputDownloadBps();
        final long poisson = udpGoodput(RouterConfig.AppKind.UDP_POISSON).goodputDownloadBps();
        final RouterResults onOff = udpGoodput(RouterConfig.AppKind.UDP_ONOFF);
        // 4 x 1 Mbit/s of 1000-byte IP packets: 972 payload bytes each (IPv4 + UDP headers)
        final double offered = 4 * MBIT * 972.0 / 1000;
        assertThat((double) cbr).isCloseTo(offered, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat((double) poisson).isCloseTo(offered, org.assertj.core.data.Percentage.withPercentage(10));
        // four flows x 20 s / 1 s per on/off cycle: about 80 cycles, so the on fraction is 0.5 +- about 0.1
        assertThat((double) onOff.goodputDownloadBps()).isBetween(0.3 * offered, 0.7 * offered);
        assertThat(onOff.flows()).extracting(RouterResults.Flow::goodputBps).doesNotHaveDuplicates();
    }

    private static RouterResults udpGoodput(final RouterConfig.AppKind pattern) {
        final RouterConfig c = RouterFixtures.config(1, 1, 100 * MBIT, false, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.none(), List.of(new RouterConfig.App(pattern, 1, 4,
                        RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.NEWRENO, MBIT, 1000, 0)),
                25_000_000_000L, 3);
        return new RouterSimulation(c).run(ProgressListener.NONE);
    }
}
