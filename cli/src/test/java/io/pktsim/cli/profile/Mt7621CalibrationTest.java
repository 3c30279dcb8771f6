package io.pktsim.cli.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.pktsim.lb.router.ProgressListener;
import io.pktsim.lb.router.RouterConfig;
import io.pktsim.lb.router.RouterResults;
import io.pktsim.lb.router.RouterSimulation;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * Variants of the calibration targets that the shipped scenarios ({@link ShippedScenariosCalibrationTest}) do not
 * cover: T2 with every dial busy and T4's one-dial against six-dial comparison, scaled down to 1.5 s of simulated
 * time after a warm-up, through the whole-router simulation with the shipped {@code mt7621} profile. Goodput is TCP
 * application bytes of a CUBIC speed test (32 connections on the 8-dial K2P, so that the busy-dial law
 * leaves no dial idle; 8 on one dial); "CPU avg" is the average over the MT7621's four VPEs
 * (router-facts.md C7), "hottest" the busiest VPE.
 *
 * <p>Fitted in {@code mt7621.yaml}: {@code driver_rx} to T6's CPU, {@code pppoe} and {@code conntrack} to T5's
 * throughput and {@code nf_rule} to T1's throughput; everything else keeps router-facts.md section 13's starting
 * values.
 */
class Mt7621CalibrationTest {

    private static final long MBIT = 1_000_000L;
    private static DeviceProfile profile;

    @BeforeAll
    static void load() throws Exception {
        profile = new ProfileLoader().load("mt7621");
    }

    private static RouterConfig scenario(final int lines, final int dialsPerLine, final long lineBps,
            final boolean pppoe, final boolean ipv6, final RouterConfig.OffloadMode offload,
            final RouterConfig.Balancing balancing, final long warmupNs, final int connections) {
        final RouterConfig.App speedtest = new RouterConfig.App(RouterConfig.AppKind.SPEEDTEST, 1, connections,
                RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 0);
        return new RouterConfig(profile, new RouterConfig.Lan(4, 1_000_000_000L),
                new RouterConfig.Wan(lines, dialsPerLine, lineBps, 0, pppoe, pppoe ? 1492 : 1500, 20_000_000L, 16),
                ipv6, balancing, offload, new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384),
                RouterConfig.QdiscKind.FQ_CODEL, List.of(speedtest), 1_500_000_000L, warmupNs, 1, 0,
                RouterConfig.Outputs.NONE);
    }

    static RouterResults run(final String id, final RouterConfig c) {
        final RouterResults r = new RouterSimulation(c).run(ProgressListener.NONE);
        double hottest = 0;
        for (RouterResults.CpuThread t : r.cpuThreads()) {
            hottest = Math.max(hottest, t.busy());
        }
        System.out.printf("%s: %.1f Mbit/s, cpu avg %.1f %%, hottest %.1f %%, %s%n", id, r.goodputBps() / 1e6,
                r.cpuAverage() * 100, hottest * 100, r.bottleneck());
        return r;
    }

    static double hottest(final RouterResults r) {
        double h = 0;
        for (RouterResults.CpuThread t : r.cpuThreads()) {
            h = Math.max(h, t.busy());
        }
        return h;
    }

    private static RouterConfig k2p8Dials(final RouterConfig.OffloadMode offload) {
        return scenario(4, 2, 100 * MBIT, true, true, offload, RouterConfig.Balancing.ecmp(1), 500_000_000L, 32);
    }

    /**
     * T2: the same with the software flowtable: capped by the four 100 Mbit/s ports at about 376 Mbit/s of TCP
     * goodput (+-10 %). The target's CPU of about 70 % (4-VPE average) is NOT reproduced: without packet steering
     * one VPE carries the path, so the average stays near 25 %; pinned here so that a change shows.
     */
    @Test
    void t2EightDialsWithFlowtableIsCappedByTheFourPorts() {
        final RouterResults r = run("T2", k2p8Dials(RouterConfig.OffloadMode.FLOWTABLE));
        assertThat(r.goodputBps()).isBetween(338 * MBIT, 414 * MBIT);
        assertThat(r.bottleneck()).startsWith("WAN lines: 4 x 100 Mbit/s");
        assertThat(r.cpuAverage()).isBetween(0.15, 0.35);
    }

    /**
     * T4: a 1-core 580 MHz MT7620A (Newifi Y1 class) behind its 100 Mbit/s Fast Ethernet ports forwards about
     * 100 Mbit/s (94 Mbit/s of TCP goodput through PPPoE) with one dial and with six macvlan dials. Its CPU, with
     * the MT7621's per-stage cycles (not fitted for the 24KEc), would carry about 200 Mbit/s: the ports, not the
     * CPU, limit here, which the seed's "about 100M" does not contradict but does not confirm either.
     */
    @Test
    void t4Mt7620ForwardsAbout100Mbit() throws Exception {
        final DeviceProfile mt7620 = new ProfileLoader().load("mt7620");
        final RouterConfig one = scenario(1, 1, 100 * MBIT, true, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.none(), 500_000_000L, 8);
        final RouterResults r1 = run("T4 1 dial", withProfile(one, mt7620));
        final RouterConfig six = scenario(1, 6, 100 * MBIT, true, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.ecmp(1), 500_000_000L, 24);
        final RouterResults r6 = run("T4 6 dials", withProfile(six, mt7620));
        assertThat(r1.goodputBps()).isBetween(85 * MBIT, 100 * MBIT);
        assertThat(r6.goodputBps()).isBetween(85 * MBIT, 100 * MBIT);
        assertThat(r6.cpuAverage()).isGreaterThan(r1.cpuAverage());
    }

    private static RouterConfig withProfile(final RouterConfig c, final DeviceProfile p) {
        return new RouterConfig(p, new RouterConfig.Lan(4, 100_000_000L), c.wan(), c.ipv6(), c.balancing(),
                c.offload(), c.firewall(), c.qdisc(), c.workload(), c.durationNs(), c.warmupNs(), c.seed(), c.run(),
                c.outputs());
    }
}
