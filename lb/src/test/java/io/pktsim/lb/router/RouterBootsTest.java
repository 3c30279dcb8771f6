package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.lb.ecmp.EcmpSelector;
import io.pktsim.lb.ecmp.Ipv4MultipathRoute;
import io.pktsim.lb.ecmp.MultipathHash;
import io.pktsim.nic.ppe.PpeConfig;
import io.pktsim.nic.ppe.PpeFlowTable;
import io.pktsim.stack.fib.MultipathLookup;
import io.pktsim.lb.spread.DialSpread;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each run of a scenario is another boot of the router and its hosts (boot-random {@code fib_multipath_hash_seed},
 * random ephemeral ports), so across runs the router's own ECMP spread follows the busy-dial law (T8).
 */
class RouterBootsTest {

    private static final long MBIT = 1_000_000L;

    @Test
    void shouldSpreadSixConnectionsOverEightDialsAcrossBootsAsTheBusyDialLawSays() {
        bootsFollowTheLaw(false);
    }

    /**
     * On a K2P the driver's skb->hash (jhash_1word of the PPE entry) decides under policy 1, not the seed-keyed
     * hash: across boots (random source ports) the spread still follows the law.
     */
    @Test
    void shouldSpreadSixConnectionsOverEightDialsAcrossK2pBootsByThePpeHash() {
        bootsFollowTheLaw(true);
    }

    /** 300 boots of a router with 6 connections over 8 ECMP dials; with {@code k2p}, through the PPE's hash. */
    private static void bootsFollowTheLaw(final boolean k2p) {
        final int boots = 300;
        final double[] law = DialSpread.busyDistribution(8, 6);
        final int[] seen = new int[9];
        double sum = 0;
        final MultipathLookup lookup = new MultipathLookup();
        final PpeFlowTable ppe = new PpeFlowTable(PpeConfig.mt7621());
        for (int run = 0; run < boots; run++) {
            final RouterConfig base = RouterFixtures.config(4, 2, 100 * MBIT, true, false,
                    RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.ecmp(1),
                    List.of(RouterFixtures.tcp(RouterConfig.AppKind.BROWSER, 1, 6, RouterConfig.Direction.DOWNLOAD)),
                    10_000_000L, 1);
            final RouterConfig c = new RouterConfig(k2p ? base.profile().driverName("mtk_eth_soc") : base.profile(),
                    base.lan(), base.wan(), false, base.balancing(), base.offload(), base.firewall(), base.qdisc(),
                    base.workload(), base.durationNs(), base.warmupNs(), base.seed(), run, base.outputs());
            final RouterSimulation sim = new RouterSimulation(c);
            final EcmpSelector kernel = new EcmpSelector(new MultipathHash(FlowKey.FAMILY_IPV4, 1,
                    MultipathHash.FIELDS_DEFAULT, sim.multipathHashSeed()), new Ipv4MultipathRoute(
                    new int[] {1, 1, 1, 1, 1, 1, 1, 1}));
            int busyMask = 0;
            for (int f = 0; f < sim.flowCount(); f++) {
                lookup.reset().key().setIpv4(sim.hostIpOf(f), sim.serverIpOf(f), FlowKey.PROTO_TCP, sim.sportOf(f),
                        443);
                if (k2p) {
                    lookup.skbHash(PpeFlowTable.skbHash(ppe.idleTableIndex(sim.hostIpOf(f), sim.serverIpOf(f),
                            sim.sportOf(f) << 16 | 443)), true);
                }
                busyMask |= 1 << kernel.selectNexthop(lookup);
            }
            final int busy = Integer.bitCount(busyMask);
            seen[busy]++;
            sum += busy;
        }
        assertTheLaw(seen, sum / boots, boots, law);
    }

    private static void assertTheLaw(final int[] seen, final double mean, final int boots, final double[] law) {
        // the law: 8 (1 - (7/8)^6) = 4.41 busy dials; its standard deviation is about 0.72, so the mean of 300
        // boots has a standard error of about 0.042
        assertThat(DialSpread.expectedBusy(8, 6)).isCloseTo(4.41, org.assertj.core.data.Offset.offset(0.005));
        assertThat(mean).isCloseTo(DialSpread.expectedBusy(8, 6), org.assertj.core.data.Offset.offset(0.21));
        for (int b = 3; b <= 6; b++) {
            final double expected = law[b] * boots;
            assertThat((double) seen[b]).as("boots with %d busy dials", b)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(5 * Math.sqrt(expected) + 3));
        }
    }
}
