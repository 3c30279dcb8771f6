package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.nic.irq.Dim;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlx5's RX DIM on the x86 router (Linux 6.18): one {@code struct dim} per RQ, zeroed by {@code mlx5e_dim_enable()}
 * (en_dim.c) in the "start from CQE" mode of a ConnectX-5 or later, the CQ starting at
 * {@code net_dim_get_def_rx_moderation()} (8 us, 128 completions), fed by {@code mlx5e_handle_rx_dim()} only after
 * {@code napi_complete_done()} in {@code mlx5e_napi_poll()} (en_txrx.c), its profiles' {@code usec} and {@code pkts}
 * ({@code NET_DIM_RX_CQE_PROFILES}, lib/dim/net_dim.c) written to the CQ as they are.
 */
class RouterMlx5DimTest {

    private static final int QUEUES = 4;

    @TempDir
    Path tmp;

    private static RouterConfig config(final boolean adaptive, final Path trace) {
        return RouterMultiQueueTest.config(RouterMultiQueueTest.x86Like(QUEUES).adaptiveRx(adaptive), trace);
    }

    @Test
    void shouldStepEachQueuesDimThroughTheCqeTableAtCompletionsOnly() throws IOException {
        final Path trace = tmp.resolve("dim.jsonl");
        final RouterResults adaptive = new RouterSimulation(config(true, trace)).run(ProgressListener.NONE);
        final long[] lastProfile = new long[QUEUES];
        final long[] steps = new long[QUEUES];
        final long[] lastCompleteNs = new long[QUEUES];
        final long[] maxProfile = new long[QUEUES];
        Arrays.fill(lastCompleteNs, -1L);
        final StringBuilder[] walk = new StringBuilder[QUEUES];
        for (int q = 0; q < QUEUES; q++) {
            walk[q] = new StringBuilder();
        }
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            switch (e.kind()) {
                case "napi_complete" -> lastCompleteNs[(int) e.num("queue")] = e.num("time_ns");
                case "napi_poll", "napi_irq" -> lastCompleteNs[(int) e.num("queue")] = -1L;
                case "dim_rx" -> {
                    final int q = (int) e.num("queue");
                    final long profile = e.num("profile");
                    assertThat(e.num("time_ns")).as("queue %d samples only when its poll completes", q)
                            .isEqualTo(lastCompleteNs[q]);
                    if (steps[q]++ == 0) {
                        assertThat(profile).as("queue %d: zeroed, the first step goes to 1", q).isEqualTo(1L);
                    }
                    assertThat(Math.abs(profile - lastProfile[q])).as("queue %d steps by one", q).isEqualTo(1L);
                    assertThat(e.num("usecs")).isEqualTo(Dim.profileUsecCqe((int) profile))
                            .isEqualTo(new long[] {2, 8, 16, 32, 64}[(int) profile]);
                    assertThat(e.num("frames")).isEqualTo(Dim.profilePktsCqe((int) profile))
                            .isEqualTo(new long[] {256, 128, 64, 64, 64}[(int) profile]);
                    lastProfile[q] = profile;
                    maxProfile[q] = Math.max(maxProfile[q], profile);
                    walk[q].append(e.num("time_ns")).append(':').append(profile).append(' ');
                }
                default -> {
                }
            }
        }
        int left = 0;
        for (int q = 0; q < QUEUES; q++) {
            assertThat(steps[q]).as("queue %d's DIM decides", q).isPositive();
            if (maxProfile[q] > Dim.DEFAULT_PROFILE_CQE) {
                left++;
            }
        }
        assertThat(left).as("under load DIM leaves profile 1").isPositive();
        // each queue walks on its own: no two queues step at the same times to the same profiles
        for (int a = 0; a < QUEUES; a++) {
            for (int b = a + 1; b < QUEUES; b++) {
                assertThat(walk[a].toString()).as("queues %d and %d", a, b).isNotEqualTo(walk[b].toString());
            }
        }

        final RouterResults fixed = new RouterSimulation(config(false, null)).run(ProgressListener.NONE);
        assertThat(irqs(adaptive)).isNotEqualTo(irqs(fixed));
        assertThat(adaptive).isEqualTo(new RouterSimulation(config(true, null)).run(ProgressListener.NONE));
    }

    /**
     * The CQE period mode: frames every 24 us under an rx-usecs of 40 keep restarting mlx5's moderation period, so its
     * interrupt waits for rx-frames (16) completions; the PDMA delay interrupt of mtk_eth_soc, counting from the first
     * frame, comes 40 us after it with two or three frames in the ring.
     */
    @Test
    void shouldRestartTheModerationPeriodAtEveryCompletionInCqeMode() throws IOException {
        final long[] cqe = irqRings("mlx5_core");
        final long[] eqe = irqRings("mtk_eth_soc");
        assertThat(cqe[0]).isPositive();
        assertThat(cqe[1]).as("mlx5 interrupts at 16 completions").isGreaterThan(cqe[0] * 9 / 10);
        assertThat(eqe[0]).isGreaterThan(cqe[0] * 4);
        assertThat(eqe[1]).as("mtk interrupts 40 us after the first frame").isZero();
    }

    /** One queue, one 400 Mbit/s UDP stream of 1200-byte datagrams; napi_irq events and those with 16+ frames. */
    private long[] irqRings(final String driver) throws IOException {
        final Path trace = tmp.resolve(driver + ".jsonl");
        final RouterConfig base = RouterMultiQueueTest.config(RouterMultiQueueTest.x86Like(1).driverName(driver)
                .rxUsecs(40).rxFrames(16), trace);
        final RouterConfig c = new RouterConfig(base.profile(), base.lan(), base.wan(), false, base.balancing(),
                base.offload(), base.firewall(), base.qdisc(),
                List.of(RouterFixtures.udp(1, 1, 400 * RouterFixtures.MBIT, 1200)), base.durationNs(),
                base.warmupNs(), base.seed(), base.run(), base.outputs());
        new RouterSimulation(c).run(ProgressListener.NONE);
        final long[] n = new long[2];
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if ("napi_irq".equals(e.kind())) {
                n[0]++;
                if (e.num("ring") >= 16) {
                    n[1]++;
                }
            }
        }
        return n;
    }

    private static long irqs(final RouterResults r) {
        long n = 0;
        for (final RouterResults.Queue q : r.rxQueues()) {
            n += q.irqs();
        }
        return n;
    }
}
