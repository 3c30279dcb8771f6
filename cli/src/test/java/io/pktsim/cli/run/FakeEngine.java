package io.pktsim.cli.run;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.lb.router.ProgressListener;
import io.pktsim.lb.router.RouterConfig;
import io.pktsim.lb.router.RouterResults;

/**
 * A stand-in engine: results that are a pure function of the configuration (so the same scenario and seed give
 * equal results, another seed different ones), progress reported every tenth of the run, and a clock advanced by
 * a fixed step per report.
 */
final class FakeEngine implements RouterEngine {

    RouterConfig lastConfig;
    int calls;
    RuntimeException failWith;
    int reports = 10;
    /** Connections and UDP sockets reported as never opened for want of a source port (0: none). */
    long connectsRefused;
    long bindsRefused;
    final FakeClock clock;

    FakeEngine(final FakeClock clock) {
        this.clock = clock;
    }

    /** A wall clock that moves only when told. */
    static final class FakeClock {
        long nowNs;
        long stepNs;

        long now() {
            return nowNs;
        }
    }

    @Override
    public RouterResults run(final RouterConfig config, final ProgressListener progress) {
        calls++;
        lastConfig = config;
        final long total = config.totalNs();
        for (int i = 1; i <= reports; i++) {
            clock.nowNs += clock.stepNs;
            progress.progress(total * i / 10, total);
        }
        if (failWith != null) {
            throw failWith;
        }
        final int dials = config.dials();
        final long seedPart = config.seed() % 1000;
        final List<RouterResults.Dial> d = new ArrayList<>();
        for (int i = 0; i < dials; i++) {
            d.add(new RouterResults.Dial("pppoe-wan" + i, i / config.wan().dialsPerLine(),
                37_500_000L + seedPart * 1000 + i, 1_000_000L, 4));
        }
        final List<RouterResults.Flow> flows = new ArrayList<>();
        flows.add(new RouterResults.Flow(0, 0, 0, 0, false, RouterConfig.Direction.DOWNLOAD, 1, 9_400_000L,
            11_750_000L, 40_000));
        flows.add(new RouterResults.Flow(1, 0, 0, 1, false, RouterConfig.Direction.DOWNLOAD, -1, 0L, 0L, 40_002));
        return new RouterResults(config.durationNs(), 300_000_000L + seedPart, 8_000_000L, 250_000L, d, flows,
            List.of(new RouterResults.Port("lan", 1_000_000_000L, 0.01, 0.3),
                new RouterResults.Port("wan0", 100_000_000L, 0.75, 0.02)),
            List.of(new RouterResults.CpuThread(0, 0, 1.0, 0.05, 0.2, 0.75, 0.0),
                new RouterResults.CpuThread(1, 0, 0.1 + 0.2, 0.0, 0.1, 0.2, 0.0),
                new RouterResults.CpuThread(2, 1, 0.0, 0.0, 0.0, 0.0, 0.0),
                new RouterResults.CpuThread(3, 1, 1.0 / 3, 0.0, 1.0 / 3, 0.0, 0.25)),
            List.of(new RouterResults.CpuCoreLoad(0, 0.65), new RouterResults.CpuCoreLoad(1, 1.0 / 6)),
            0.408333333,
            List.of(new RouterResults.Stage("driver_rx", 500_000_000L, 0.142),
                new RouterResults.Stage("gro", 10_000L, 0.0000028),
                new RouterResults.Stage("forward", 700_000_000L, 0.2),
                new RouterResults.Stage("fib", 300_000_000L, 0.085),
                new RouterResults.Stage("netif_receive", 600_000_000L, 0.17),
                new RouterResults.Stage("driver_tx", 600_000_000L, 0.17)),
            List.of(new RouterResults.Softnet(0, 123_456L, 0L, 17L, 0L),
                new RouterResults.Softnet(1, 0L, 0L, 0L, 5L)),
            new RouterResults.Drops(12L, 0L, 3L, List.of(new RouterResults.Count("ring", 12L),
                new RouterResults.Count("backlog", 0L), new RouterResults.Count("qdisc", 3L),
                new RouterResults.Count("conntrack_full", 2L))),
            List.of(new RouterResults.Count("found", 250_000L), new RouterResults.Count("insert_failed", 0L)),
            List.of(new RouterResults.Count("offloaded", 0L)),
            List.of(new RouterResults.Count("bound", 0L)),
            List.of(new RouterResults.Count("merged", 0L)),
            tcp(), "CPU: napi/mtk_eth-0 on cpu0 at 100 %", 9_000_000L, 8_999_000L, 0x1234_5678L, List.of(),
            bindsRefused == 0 ? List.of() : List.of(new RouterResults.Count("sockets", bindsRefused + 5),
                new RouterResults.Count("binds_refused", bindsRefused)), List.of(), List.of(), List.of());
    }

    private List<RouterResults.Count> tcp() {
        final List<RouterResults.Count> tcp = new ArrayList<>(List.of(new RouterResults.Count("connections",
            2L + connectsRefused), new RouterResults.Count("established", 1L)));
        if (connectsRefused != 0) {
            tcp.add(new RouterResults.Count("connects_refused", connectsRefused));
        }
        return tcp;
    }
}
