package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.pktsim.stack.profile.DeviceProfile;

/**
 * Where the router's protocol work runs: the NAPI CPU ({@code napiCpu}, {@code txNapiCpu}) and RPS
 * ({@code rpsCpus}, {@code get_rps_cpu()} in net/core/dev.c, 6.18: {@code map->cpus[reciprocal_scale(hash, len)]}).
 */
class RouterPacketSteeringTest {
    private static final long MBIT = 1_000_000L;

    private static RouterResults run(final DeviceProfile profile) {
        final RouterConfig c = RouterFixtures.config(1, 2, 1_000 * MBIT, true, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.ecmp(1),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.SPEEDTEST, 4, 16, RouterConfig.Direction.DOWNLOAD)),
                300_000_000L, 7);
        return new RouterSimulation(c.withProfile(profile)).run(ProgressListener.NONE);
    }

    private static long processed(final RouterResults r, final int cpu) {
        return r.softnet().get(cpu).processed();
    }

    private static double busy(final RouterResults r, final int cpu) {
        return r.cpuThreads().get(cpu).busy();
    }

    @Test
    void withoutRpsEverythingStaysOnTheNapiCpus() {
        final RouterResults r = run(RouterFixtures.mt7621Like());
        assertThat(processed(r, 0)).isPositive();
        assertThat(processed(r, 1)).isZero();
        assertThat(processed(r, 2)).isZero();
        assertThat(processed(r, 3)).isZero();
        assertThat(busy(r, 1)).isPositive(); // the separate TX NAPI on the CPU after the RX one
        assertThat(busy(r, 2)).isZero();
        assertThat(busy(r, 3)).isZero();
    }

    @Test
    void openWrtSteeringMode1SendsTheStackToOneCpuOfTheOtherCore() {
        final RouterResults r = run(RouterFixtures.mt7621Like().napiCpu(0).txNapiCpu(0).rpsCpus(0x4L));
        assertThat(processed(r, 0)).as("cpu0 polls and enqueues, cpu2 receives").isZero();
        assertThat(processed(r, 2)).isPositive();
        assertThat(processed(r, 1)).isZero();
        assertThat(processed(r, 3)).isZero();
        assertThat(busy(r, 1)).isZero();
        assertThat(busy(r, 3)).isZero();
        assertThat(busy(r, 2)).isGreaterThan(busy(r, 0));
    }

    @Test
    void allCpusShareTheFlowsByTheirHash() {
        final RouterResults r = run(RouterFixtures.mt7621Like().napiCpu(1).txNapiCpu(1).rpsCpus(0xFL));
        for (int cpu = 0; cpu < 4; cpu++) {
            assertThat(busy(r, cpu)).as("cpu%d", cpu).isPositive();
        }
        // Every CPU receives its hash share through its backlog, the polling CPU (cpu1) through its own, and
        // polling costs cpu1 more than its share.
        for (int cpu = 0; cpu < 4; cpu++) {
            assertThat(processed(r, cpu)).as("cpu%d", cpu).isPositive();
            assertThat(r.cpuThreads().get(cpu).softirq()).as("cpu%d", cpu).isPositive();
        }
        assertThat(busy(r, 1)).isGreaterThan(Math.max(busy(r, 0), Math.max(busy(r, 2), busy(r, 3))));
    }
}
