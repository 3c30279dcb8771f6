package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The forwarding latency (from the router's port to the CPU port's egress) and the RX polls' batch sizes that the
 * results report from HdrHistograms: a lightly loaded router forwards in microseconds, one whose RPS CPU is
 * saturated holds every frame about as long as its full backlog ({@code netdev_max_backlog}, two queues in 6.18)
 * takes to drain, and the polls' batches add up to the frames the RX queue took.
 */
class RouterLatencyTest {

    private static RouterConfig udp(final long rateBps) {
        return RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, false, false, RouterConfig.OffloadMode.NONE,
                RouterConfig.Balancing.none(), List.of(RouterFixtures.udp(1, 1, rateBps, 1000)), 200_000_000L, 3);
    }

    @Test
    void shouldForwardInMicrosecondsWhenTheCpuIsIdle() {
        final RouterResults r = new RouterSimulation(udp(10 * RouterFixtures.MBIT)).run(ProgressListener.NONE);
        assertThat(r.drops().backlog() + r.drops().ring()).isZero();
        final long frames = RouterResults.count(r.latency(), "frames");
        assertThat(frames).isEqualTo(r.forwardedPackets());
        // a UDP download: every frame goes to the LAN
        assertThat(RouterResults.count(r.latency(), "down_frames")).isEqualTo(frames);
        assertThat(RouterResults.count(r.latency(), "up_frames")).isZero();
        assertThat(RouterResults.count(r.latency(), "down_p50_ns")).isEqualTo(RouterResults.count(r.latency(),
                "p50_ns"));
        // at least the driver's and the stack's cycles (some 10,000 at 880 MHz) and the CPU port's 4 us of a
        // 1,000-byte frame at 2 Gbit/s; at most the 80 us of interrupt moderation (rx-usecs) on top
        final long p50 = RouterResults.count(r.latency(), "p50_ns");
        assertThat(p50).isBetween(10_000L, 120_000L);
        assertThat(RouterResults.count(r.latency(), "max_ns")).isGreaterThanOrEqualTo(
                RouterResults.count(r.latency(), "p99_ns")).isLessThan(200_000L);
        assertPollsAddUp(r);
    }

    @Test
    void shouldHoldFramesAsLongAsTheFullBacklogTakesWhenTheRpsCpuIsSaturated() {
        final RouterConfig c = udp(900 * RouterFixtures.MBIT);
        // packet steering to cpu2 (rps_cpus 0x4): cpu0 polls, cpu2 runs the stack from its backlog
        final RouterResults r = new RouterSimulation(c.withProfile(c.profile().rpsCpus(0x4)))
                .run(ProgressListener.NONE);
        assertThat(r.drops().backlog()).as("cpu2's backlog overflows").isPositive();
        // a frame waits behind what its RPS CPU holds, each taking its share of that CPU (the forwarded rate is what
        // the CPU does): the process_queue spliced last (up to netdev_max_backlog + 1) and the frames queued before
        // it in input_pkt_queue (as many), so between one and two full backlogs' time
        final double perFrameNs = (double) r.measuredNs() / r.forwardedPackets();
        final long p50 = RouterResults.count(r.latency(), "p50_ns");
        assertThat((double) p50).isBetween(1000 * perFrameNs, 2100 * perFrameNs);
        assertPollsAddUp(r);
        assertThat(RouterResults.count(r.pollBatch(), "max")).isLessThanOrEqualTo(64);
        // the two queues: the slowest frames waited for more than one full backlog (one queue would hold 1001 at
        // most, so none would wait much longer than 1001 frames' time)
        assertThat((double) RouterResults.count(r.latency(), "p99_ns")).isBetween(1300 * perFrameNs,
                2100 * perFrameNs);
    }

    /**
     * cpu2 polls only its backlog. {@code process_backlog} takes 64 packets a call, and a call that takes them all
     * goes to {@code repoll}, which ends {@code net_rx_action}'s run (a run polls each NAPI on its list once; the
     * next run starts with the whole budget): a saturated backlog spends 64 of the budget's 300 a run, and a call
     * takes far less than the time limit's two jiffies, so it counts no {@code time_squeeze}, as the live kernel
     * does ({@code SaturatedBacklogLiveKernelTest} in cli). Until stop 31 the engine let a run go on for five calls
     * and counted one squeeze per 320 packets. With {@code netdev_budget} 64 each full call spends the budget: a
     * squeeze per 64 packets.
     */
    @Test
    void shouldSqueezeASaturatedBacklogCpuOnlyWhenACallSpendsTheBudget() {
        final RouterConfig c = udp(900 * RouterFixtures.MBIT);
        final RouterResults r = new RouterSimulation(c.withProfile(c.profile().rpsCpus(0x4)))
                .run(ProgressListener.NONE);
        assertThat(r.drops().backlog()).as("cpu2 is saturated").isPositive();
        assertThat(r.softnet().get(2).timeSqueeze()).isZero();
        final RouterResults small = new RouterSimulation(c.withProfile(c.profile().rpsCpus(0x4).netdevBudget(64)))
                .run(ProgressListener.NONE);
        assertThat(small.forwardedPackets()).isEqualTo(r.forwardedPackets());
        final long calls = small.forwardedPackets() / 64;
        assertThat(small.softnet().get(2).timeSqueeze()).isBetween(calls - 2, calls + 2).isPositive();
        // the RX NAPI is threaded (the K2P's preset): napi_threaded_poll_loop has no budget and counts none
        assertThat(small.softnet().get(0).timeSqueeze()).isZero();
        final RouterConfig light = udp(10 * RouterFixtures.MBIT);
        final RouterResults idle = new RouterSimulation(light.withProfile(light.profile().rpsCpus(0x4)
                .netdevBudget(64))).run(ProgressListener.NONE);
        assertThat(idle.softnet().get(2).timeSqueeze()).as("calls of a few packets").isZero();
    }

    @Test
    void shouldReportWhatArrivalsFoundInTheRingAndTheBacklog() {
        final RouterConfig c = udp(900 * RouterFixtures.MBIT);
        final RouterResults r = new RouterSimulation(c.withProfile(c.profile().rpsCpus(0x4)))
                .run(ProgressListener.NONE);
        final RouterResults.Occupancy ring = r.occupancy().get(0);
        assertThat(ring.cpu()).isEqualTo(-1);
        // every frame that reached the ring is a sample: those polled (in the window or still there at its end)
        // and those the full ring dropped
        final RouterResults.Queue q = r.rxQueues().get(0);
        assertThat(ring.samples()).isBetween(q.packets() + r.drops().ring(), q.packets() + r.drops().ring() + 512);
        assertThat(ring.full()).isEqualTo(r.drops().ring());
        assertThat(ring.p50()).isLessThanOrEqualTo(ring.p99());
        // only cpu2 is handed packets; it is saturated, so arrivals mostly find its backlog nearly full, and those
        // that find it full are exactly its drops
        assertThat(r.occupancy()).hasSize(2);
        final RouterResults.Occupancy cpu2 = r.occupancy().get(1);
        assertThat(cpu2.cpu()).isEqualTo(2);
        assertThat(cpu2.full()).isEqualTo(r.drops().backlog()).isEqualTo(r.softnet().get(2).dropped())
                .isPositive();
        // input_pkt_queue, the limit's queue: it takes a packet while it holds at most 1000 (qlen <= max_backlog), so
        // those that found it full found 1001
        assertThat(cpu2.p50()).isBetween(500L, 1001L);
        assertThat(cpu2.max()).isEqualTo(1001L);
        // each packet polled in the window was handed to cpu2's backlog once (the aggregates: none, UDP)
        assertThat(cpu2.samples()).isBetween(q.packets() - 64, q.packets() + 64);
    }

    @Test
    void shouldFindTheBacklogEmptyWhenTheRpsCpuKeepsUp() {
        final RouterConfig c = udp(10 * RouterFixtures.MBIT);
        final RouterResults r = new RouterSimulation(c.withProfile(c.profile().rpsCpus(0x4)))
                .run(ProgressListener.NONE);
        final RouterResults.Occupancy cpu2 = r.occupancy().get(1);
        assertThat(cpu2.cpu()).isEqualTo(2);
        assertThat(cpu2.p99()).isZero();
        assertThat(cpu2.full()).isZero();
        assertThat(r.occupancy().get(0).max()).as("the ring holds a frame or two at most").isLessThan(4);
    }

    @Test
    void shouldHaveNoBacklogWithoutRps() {
        final RouterConfig c = udp(10 * RouterFixtures.MBIT);
        final RouterResults r = new RouterSimulation(c.withProfile(c.profile().rpsCpus(0)))
                .run(ProgressListener.NONE);
        assertThat(r.occupancy()).extracting(RouterResults.Occupancy::cpu).containsExactly(-1);
    }

    private static void assertPollsAddUp(final RouterResults r) {
        final RouterResults.Queue q = r.rxQueues().get(0);
        assertThat(RouterResults.count(r.pollBatch(), "polls")).isEqualTo(q.polls());
        assertThat(RouterResults.count(r.pollBatch(), "frames")).isEqualTo(q.packets());
        assertThat(RouterResults.count(r.pollBatch(), "p50")).isBetween(1L, 64L);
    }
}
