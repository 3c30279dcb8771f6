package io.pktsim.cli.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.pktsim.lb.router.ProgressListener;
import io.pktsim.lb.router.RouterConfig;
import io.pktsim.lb.router.RouterResults;
import io.pktsim.lb.router.RouterSimulation;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * The calibration targets of router-facts.md section 14 (T1, T2, T5, T6, T7), scaled down to 1.5 s of simulated
 * time after 0.5 s of warm-up, through the whole-router simulation with the shipped {@code mt7621} profile.
 * Goodput is TCP application bytes; CPU is the average over the MT7621's four VPEs (router-facts.md C7).
 */
class Mt7621CalibrationTest {

    static final long MBIT = 1_000_000L;

    static RouterConfig scenario(final DeviceProfile p, final int lines, final int dialsPerLine, final long lineBps,
            final boolean pppoe, final boolean ipv6, final RouterConfig.OffloadMode offload,
            final RouterConfig.Balancing balancing, final int connections) {
        final RouterConfig.App speedtest = new RouterConfig.App(RouterConfig.AppKind.SPEEDTEST, 1, connections,
                RouterConfig.Direction.DOWNLOAD, RouterConfig.CongestionControl.CUBIC, 0, 0, 0);
        return new RouterConfig(p, new RouterConfig.Lan(4, 1_000_000_000L),
                new RouterConfig.Wan(lines, dialsPerLine, lineBps, 0, pppoe, pppoe ? 1492 : 1500, 20_000_000L, 16),
                ipv6, balancing, offload, new RouterConfig.Firewall(RouterConfig.FirewallKind.FW3, 16384),
                RouterConfig.QdiscKind.FQ_CODEL, List.of(speedtest), 1_500_000_000L, 500_000_000L, 1, 0,
                RouterConfig.Outputs.NONE);
    }

    static RouterResults run(final RouterConfig c) {
        return new RouterSimulation(c).run(ProgressListener.NONE);
    }

    static void print(final String id, final RouterResults r) {
        System.out.printf("%s: %.1f Mbit/s, cpu avg %.1f %%, threads %s, fwd %d, %s, drops %s%n", id,
                r.goodputBps() / 1e6, r.cpuAverage() * 100,
                r.cpuThreads().stream().map(t -> String.format("%.0f", t.busy() * 100)).toList(), r.forwardedPackets(),
                r.bottleneck(), r.drops().byReason().stream().filter(c -> c.value() > 0).toList());
        System.out.println("   " + r.stages().stream().map(s -> s.name() + "=" + String.format("%.1f", s.fraction() * 100))
                .toList() + " " + r.gro() + " " + r.ppe());
    }

    static RouterResults t1(final DeviceProfile p, final RouterConfig.OffloadMode mode) {
        return run(scenario(p, 4, 2, 100 * MBIT, true, true, mode, RouterConfig.Balancing.ecmp(1), 32));
    }

    @Test
    void shouldPrint() throws Exception {
        final DeviceProfile p = new ProfileLoader().load("mt7621");
        print("T1", t1(p, RouterConfig.OffloadMode.NONE));
        print("T2", t1(p, RouterConfig.OffloadMode.FLOWTABLE));
        print("T5", run(scenario(p, 1, 1, 1000 * MBIT, true, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.none(), 8)));
        print("T6", run(scenario(p, 1, 1, 1000 * MBIT, false, false, RouterConfig.OffloadMode.FLOWTABLE,
                RouterConfig.Balancing.none(), 8)));
        print("T7", run(scenario(p, 1, 1, 1000 * MBIT, true, false, RouterConfig.OffloadMode.PPE,
                RouterConfig.Balancing.none(), 8)));
        assertThat(p).isNotNull();
    }
}
