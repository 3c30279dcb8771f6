package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pktsim.core.test.AllocationMeter;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * Where the protocol path runs and what softnet_stat counts: {@code processed} is one per pass through
 * {@code __netif_receive_skb_core()} on the CPU making it, and with RPS on every packet goes through a backlog,
 * the polling CPU's own included ({@code netif_receive_skb_list_internal}, net/core/dev.c, Linux 6.18).
 */
class RouterSoftnetTest {

    /** One line, two macvlan PPPoE dials, a 20 Mbit/s UDP download: nothing is dropped, nothing goes up. */
    private static RouterConfig udpDown(final long rpsCpus) {
        final RouterConfig c = RouterFixtures.config(1, 2, 100 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.udp(1, 1, 20 * RouterFixtures.MBIT, 1000)), 200_000_000L, 3);
        return c.withProfile(c.profile().rpsCpus(rpsCpus));
    }

    @Test
    void shouldCountEveryReceivePassOnTheCpuThatMakesIt() {
        final RouterResults r = new RouterSimulation(udpDown(0x4)).run(ProgressListener.NONE);
        assertThat(r.forwardedPackets()).isGreaterThan(300);
        assertThat(r.drops().ring() + r.drops().backlog() + r.drops().qdisc()).isZero();
        // eth0, then eth0.N (vlan_do_receive), the macvlan (RX_HANDLER_ANOTHER), pppoe-wan0 (netif_rx again).
        assertThat(r.softnet().get(2).processed()).isEqualTo(4 * r.forwardedPackets());
        assertThat(r.softnet().get(0).processed()).as("the polling CPU only enqueues").isZero();
    }

    @Test
    void shouldQueueToThePollingCpusOwnBacklogWhenRpsPicksIt() {
        final RouterResults own = new RouterSimulation(udpDown(0x1)).run(ProgressListener.NONE);
        final RouterResults off = new RouterSimulation(udpDown(0)).run(ProgressListener.NONE);
        assertThat(own.forwardedPackets()).isEqualTo(off.forwardedPackets());
        assertThat(own.softnet().get(0).processed()).isEqualTo(4 * own.forwardedPackets());
        assertThat(off.softnet().get(0).processed()).isEqualTo(4 * off.forwardedPackets());
        // Through the backlog the protocol path is NET_RX softirq work; without RPS the NAPI thread runs it.
        assertThat(own.cpuThreads().get(0).softirq()).isGreaterThan(0.5 * own.cpuThreads().get(0).busy());
        assertThat(off.cpuThreads().get(0).softirq()).isZero();
    }

    @Test
    void shouldChargeThePollToTheSoftirqWithoutThreadedNapi() {
        // sysfs threaded off (the x86 and MT7620 profiles): net_rx_action runs the poll in the NET_RX softirq;
        // threaded (OpenWrt's mtk_eth): the napi/<dev> kernel thread does. Same work, same total.
        final RouterConfig threaded = udpDown(0);
        final RouterResults kthread = new RouterSimulation(threaded).run(ProgressListener.NONE);
        final RouterResults softirq = new RouterSimulation(threaded.withProfile(threaded.profile().threadedNapi(false)))
                .run(ProgressListener.NONE);
        assertThat(kthread.cpuThreads().get(0).thread()).isPositive();
        assertThat(kthread.cpuThreads().get(0).softirq()).isZero();
        assertThat(softirq.cpuThreads().get(0).thread()).isZero();
        assertThat(softirq.cpuThreads().get(0).softirq()).isEqualTo(kthread.cpuThreads().get(0).thread());
        assertThat(softirq.forwardedPackets()).isEqualTo(kthread.forwardedPackets());
    }

    /**
     * An overloaded RPS CPU has work queued past the run's end and had some queued before the window opened: each
     * context counts only its work inside the window, so the hard IRQ, softirq and kernel-thread shares add up to
     * the CPU's busy time (before, work queued before the window counted as softirq whatever its context, and
     * the contexts kept the work past the end that the busy figure took off: softirq 100 % on a CPU 99.5 % busy).
     */
    @Test
    void shouldSplitBusyTimeIntoContextsThatAddUp() {
        final RouterConfig c = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, true, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.udp(1, 4, 250 * RouterFixtures.MBIT, 200)), 100_000_000L, 5);
        final RouterResults r = new RouterSimulation(c.withProfile(c.profile().rpsCpus(0x4)))
                .run(ProgressListener.NONE);
        assertThat(r.drops().backlog()).as("cpu2 is overloaded").isPositive();
        assertThat(r.cpuThreads().get(2).busy()).isGreaterThan(0.8);
        for (final RouterResults.CpuThread t : r.cpuThreads()) {
            assertThat(t.hardIrq() + t.softirq() + t.thread()).as("cpu%d", t.cpu())
                    .isCloseTo(t.busy(), within(1e-12));
        }
    }

    /** cpu0 polls a saturated ring (every driver_rx costs {@code rxCycles}), the stack on cpu2. */
    private static RouterConfig saturatedRing(final long rxCycles, final int hz) {
        final RouterConfig c = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, false, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.udp(1, 1, 900 * RouterFixtures.MBIT, 1000)), 200_000_000L, 3);
        final CostTable slow = new CostTable();
        final CostTable t = c.profile().costs();
        for (final CostStage st : CostStage.values()) {
            slow.set(st, t.perEvent(st), t.perPacket(st), t.perByteMilli(st));
        }
        slow.set(CostStage.DRIVER_RX, 0, rxCycles, 0);
        return c.withProfile(c.profile().costs(slow.freeze()).hz(hz).rpsCpus(0x4));
    }

    /**
     * {@code net_rx_action} (net/core/dev.c, 6.18) polls each NAPI on its list once a run: a poll that used its
     * whole weight goes to {@code repoll}, the run ends and raises NET_RX_SOFTIRQ again, and the next poll starts a
     * new run with the whole {@code netdev_budget}. So a saturated ring's NAPI alone on its CPU spends 64 of 300 a
     * run and never squeezes (as {@code explain napi}'s {@code Softnet} and the live kernel,
     * {@code SaturatedBacklogLiveKernelTest}); with a budget below the weight every full poll spends it. A threaded
     * NAPI ({@code napi_threaded_poll_loop}) has no budget and counts none. Until stop 31 the engine let a run go
     * on until 300 frames were spent, a squeeze per five full polls.
     */
    @Test
    void shouldSqueezeOnlyWhenOnePollSpendsTheBudget() {
        final RouterConfig c = saturatedRing(8000, 100);
        final DeviceProfile softirq = c.profile().threadedNapi(false);
        final RouterResults byDefault = new RouterSimulation(c.withProfile(softirq)).run(ProgressListener.NONE);
        assertThat(byDefault.drops().ring()).as("the ring overflows").isPositive();
        assertThat(byDefault.softnet().get(0).timeSqueeze()).isZero();
        final RouterResults small = new RouterSimulation(c.withProfile(softirq.netdevBudget(50)))
                .run(ProgressListener.NONE);
        final long polls = small.rxQueues().get(0).polls();
        assertThat(small.softnet().get(0).timeSqueeze()).as("every full poll, nearly every poll")
                .isBetween(polls * 9 / 10, polls).isPositive();
        final RouterResults threaded = new RouterSimulation(c.withProfile(c.profile().threadedNapi(true)
                .netdevBudget(50))).run(ProgressListener.NONE);
        assertThat(threaded.softnet().get(0).timeSqueeze()).isZero();
        assertThat(threaded.forwardedPackets()).isEqualTo(small.forwardedPackets());
    }

    /**
     * A run's time limit is {@code jiffies + usecs_to_jiffies(netdev_budget_usecs)} at its start, two jiffies by
     * default ({@code 2 * USEC_PER_SEC / HZ}; a profile's 0): at HZ 1000 a full poll of frames that take 45 us each
     * (2.9 ms) always ends past it, a squeeze per full poll, where a limit of a second never ends one.
     */
    @Test
    void shouldSqueezeAPollThatOutlastsTwoJiffies() {
        final RouterConfig c = saturatedRing(40_000, 1000);
        final DeviceProfile p = c.profile().threadedNapi(false);
        final RouterResults byDefault = new RouterSimulation(c.withProfile(p.netdevBudgetUsecs(0)))
                .run(ProgressListener.NONE);
        final RouterResults second = new RouterSimulation(c.withProfile(p.netdevBudgetUsecs(1_000_000)))
                .run(ProgressListener.NONE);
        final long polls = byDefault.rxQueues().get(0).polls();
        assertThat(byDefault.softnet().get(0).timeSqueeze()).isBetween(polls * 9 / 10, polls).isPositive();
        assertThat(second.softnet().get(0).timeSqueeze()).isZero();
        assertThat(second.forwardedPackets()).isEqualTo(byDefault.forwardedPackets());
    }

    /**
     * {@code handle_softirqs} (kernel/softirq.c, 6.18) runs a softirq that raised itself again at most ten times a
     * run ({@code MAX_SOFTIRQ_RESTART}), and only while the jiffy it started in lasts ({@code MAX_SOFTIRQ_TIME},
     * {@code msecs_to_jiffies(2)}: one jiffy at HZ 100); then {@code wakeup_softirqd()} hands it to
     * {@code ksoftirqd}, which runs it until nothing is pending. A saturated backlog stays scheduled (no IPI starts
     * a new run), so its CPU's softirq runs in {@code ksoftirqd/2} nearly all the window, as on the live kernel
     * ({@code SaturatedBacklogLiveKernelTest}); a backlog that drains between bursts never needs it.
     */
    @Test
    void shouldRunASaturatedBacklogInKsoftirqd(@TempDir final Path tmp) throws Exception {
        final RouterConfig c = RouterFixtures.udpToCpu2(900 * RouterFixtures.MBIT);
        final RouterResults r = new RouterSimulation(c).run(ProgressListener.NONE);
        final RouterResults.CpuThread cpu2 = r.cpuThreads().get(2);
        assertThat(r.drops().backlog()).as("cpu2 is saturated").isPositive();
        assertThat(cpu2.softirq()).isEqualTo(cpu2.busy());
        assertThat(cpu2.ksoftirqd()).isGreaterThan(0.95 * cpu2.busy()).isLessThanOrEqualTo(cpu2.softirq());
        assertThat(r.cpuThreads().get(0).ksoftirqd()).as("cpu0 polls in its NAPI thread").isZero();
        // the backlog never drains, so one handover: at HZ 1000 when MAX_SOFTIRQ_TIME's two 1 ms jiffies ended
        // (nine calls of 64 take longer than 2 ms here), at HZ 10 after the tenth pass, well inside the 100 ms
        // jiffy; at HZ 100 either, as the run started early or late in its 10 ms jiffy
        assertThat(wakes(c, 1000, tmp.resolve("hz1000.jsonl"))).singleElement()
                .satisfies(e -> assertThat(e.num("passes")).isBetween(1L, 9L));
        assertThat(wakes(c, 10, tmp.resolve("hz10.jsonl"))).singleElement()
                .satisfies(e -> assertThat(e.num("passes")).isEqualTo(10L));

        final RouterResults idle = new RouterSimulation(RouterFixtures.udpToCpu2(10 * RouterFixtures.MBIT))
                .run(ProgressListener.NONE);
        assertThat(idle.cpuThreads().get(2).softirq()).isPositive();
        assertThat(idle.cpuThreads().get(2).ksoftirqd()).isZero();
        // received_rps: an IPI only when the backlog's NAPI was not scheduled, so the saturated backlog, scheduled
        // all the window, got almost none, and the light one about one per RX poll that handed it packets
        assertThat(r.softnet().get(2).receivedRps()).isLessThan(10L);
        final long polls = idle.rxQueues().get(0).polls();
        assertThat(idle.softnet().get(2).receivedRps()).isBetween(polls / 2, polls);
        assertThat(idle.softnet().get(0).receivedRps()).as("the polling CPU sends them").isZero();
    }

    /** The {@code ksoftirqd_wake} events of a run of {@code c} at {@code hz} with packet steering to cpu2. */
    private static List<RouterTraceTest.Event> wakes(final RouterConfig c, final int hz, final Path trace)
            throws Exception {
        new RouterSimulation(c.withProfile(c.profile().rpsCpus(0x4).hz(hz))
                .withOutputs(new RouterConfig.Outputs(null, trace))).run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> wakes = RouterTraceTest.read(trace).stream()
                .filter(e -> e.kind().equals("ksoftirqd_wake")).toList();
        assertThat(wakes).allSatisfy(e -> assertThat(e.num("cpu")).isEqualTo(2L));
        return wakes;
    }

    /**
     * The RX NAPI polled by {@code net_rx_action} (no threaded NAPI): a saturated ring's polls each use their whole
     * weight and raise the softirq again, so after the hard IRQ's run {@code ksoftirqd/0} polls until the ring
     * empties; threaded, the NAPI's own kernel thread polls and {@code ksoftirqd} has nothing to do.
     */
    @Test
    void shouldPollASaturatedRingInKsoftirqdWithoutThreadedNapi() {
        final RouterConfig c = saturatedRing(8000, 100);
        final RouterResults softirq = new RouterSimulation(c.withProfile(c.profile().threadedNapi(false)))
                .run(ProgressListener.NONE);
        final RouterResults.CpuThread cpu0 = softirq.cpuThreads().get(0);
        assertThat(softirq.drops().ring()).isPositive();
        assertThat(cpu0.ksoftirqd()).isGreaterThan(0.9 * cpu0.busy()).isLessThanOrEqualTo(cpu0.softirq());
        final RouterResults threaded = new RouterSimulation(c.withProfile(c.profile().threadedNapi(true)))
                .run(ProgressListener.NONE);
        assertThat(threaded.cpuThreads().get(0).ksoftirqd()).isZero();
        assertThat(threaded.cpuThreads().get(0).thread()).isGreaterThan(0.9);
    }

    /**
     * Without threaded NAPI, RPS to the polling CPU itself (OpenWrt's packet steering "all CPUs" on a kernel
     * without threaded NAPI): the frames its poll steers to cpu0 wait in cpu0's own backlog, whose NAPI
     * {@code ____napi_schedule()} puts on the same {@code poll_list} as the RX NAPI. {@code net_rx_action} polls
     * both in one run, so once {@code handle_softirqs} handed the RX NAPI's runs to {@code ksoftirqd/0}, the backlog's
     * calls run there too: all of a saturated cpu0's softirq is {@code ksoftirqd}'s, not only its polls.
     */
    @Test
    void shouldRunThePollingCpusOwnBacklogInKsoftirqdWithTheRxPolls() {
        final RouterConfig c = saturatedRing(8000, 100);
        final RouterResults r = new RouterSimulation(c.withProfile(c.profile().threadedNapi(false).rpsCpus(0x1)))
                .run(ProgressListener.NONE);
        final RouterResults.CpuThread cpu0 = r.cpuThreads().get(0);
        assertThat(r.drops().ring()).isPositive();
        assertThat(r.softnet().get(0).processed()).as("frames through cpu0's own backlog").isGreaterThan(10_000);
        assertThat(r.cpuThreads().get(2).busy()).isZero();
        assertThat(cpu0.ksoftirqd()).as("ksoftirqd/0 of softirq %.3f", cpu0.softirq())
                .isGreaterThan(0.95 * cpu0.softirq()).isLessThanOrEqualTo(cpu0.softirq());
    }

    /**
     * A CPU that polls the ring without threaded NAPI and is its own RPS target ({@code rps_cpus} 0x1): its backlog
     * NAPI is on the same {@code poll_list}, and {@code net_rx_action} (net/core/dev.c, 6.18) polls both in one run
     * with one {@code netdev_budget} (after a full poll the run ends; the next polls the backlog, spliced ahead of
     * {@code repoll}, then the RX NAPI). A saturated ring gives full polls of 64 and calls of 64: at a budget of 100
     * each pair spends it, a squeeze per poll; at 300 none does; with the backlog on cpu2 neither CPU's 64 reaches
     * 100. Until stop 34 the engine gave the poll and the call a budget each and counted none at 100.
     */
    @Test
    void shouldShareTheRunsBudgetBetweenThePollAndItsOwnBacklog() {
        // a profile each: DeviceProfile's setters change it in place
        final RouterResults byDefault = new RouterSimulation(ownBacklog(0x1, 300)).run(ProgressListener.NONE);
        final RouterResults small = new RouterSimulation(ownBacklog(0x1, 100)).run(ProgressListener.NONE);
        final RouterResults apart = new RouterSimulation(ownBacklog(0x4, 100)).run(ProgressListener.NONE);
        final long polls = small.rxQueues().get(0).polls();
        assertThat(small.drops().ring()).as("the ring overflows").isPositive();
        assertThat(small.softnet().get(0).timeSqueeze()).as("a squeeze per poll and its backlog call")
                .isBetween(polls * 9 / 10, polls).isPositive();
        assertThat(byDefault.softnet().get(0).timeSqueeze()).isZero();
        assertThat(byDefault.forwardedPackets()).isEqualTo(small.forwardedPackets());
        assertThat(apart.softnet().get(0).timeSqueeze() + apart.softnet().get(2).timeSqueeze()).isZero();
        assertThat(apart.softnet().get(2).processed()).as("cpu2's backlog is busy").isGreaterThan(10_000);
    }

    /** {@link #saturatedRing}, threaded NAPI off, with the backlog on the CPUs of {@code rps} and this budget. */
    private static RouterConfig ownBacklog(final long rps, final int budget) {
        final RouterConfig c = saturatedRing(8000, 100);
        return c.withProfile(c.profile().threadedNapi(false).rpsCpus(rps).netdevBudget(budget));
    }

    /**
     * {@code napi_schedule_rps()} (net/core/dev.c, 6.18) only lists a CPU whose backlog NAPI was not scheduled, and
     * {@code net_rps_action_and_irq_enable()} sends the IPIs when the poll ends, so that CPU takes the poll's packets
     * up only from then, even those whose {@code gro_normal_batch} went up earlier in the poll. Here the NIC
     * interrupts every 16 frames (no DIM) of a 20 Mbit/s download, so each poll takes 16 frames, and cpu2 has long
     * finished the previous poll's packets; with {@code gro_normal_batch} 1 each frame's packet goes up on its own.
     * Every one of cpu2's {@code netif_receive_skb} events must carry its poll's end (the time of the
     * {@code napi_poll} event after it); until stop 32 they carried their frames' times, from the poll's first frame
     * on.
     */
    @Test
    void shouldTakeUpAnIdleBacklogsPacketsOnlyAfterThePollsIpi(@TempDir final Path tmp) throws Exception {
        final Path trace = tmp.resolve("ipi.jsonl");
        final RouterConfig c = RouterFixtures.udpToCpu2(20 * RouterFixtures.MBIT);
        new RouterSimulation(c.withProfile(c.profile().adaptiveRx(false).rxFrames(16).rxUsecs(20_000)
                .groNormalBatch(1)).withOutputs(new RouterConfig.Outputs(null, trace))).run(ProgressListener.NONE);
        final List<RouterTraceTest.Event> poll = new java.util.ArrayList<>();
        int polls = 0;
        int packets = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if (e.kind().equals("netif_receive_skb") && e.num("cpu") == 2) {
                poll.add(e);
            } else if (e.kind().equals("napi_poll") && e.num("done") == 16) {
                final long end = e.num("time_ns");
                for (final RouterTraceTest.Event p : poll) {
                    assertThat(p.num("time_ns")).as("packet %d, poll ending at %d", p.num("packet"), end)
                            .isEqualTo(end);
                }
                polls++;
                packets += poll.size();
                poll.clear();
            } else if (e.kind().equals("napi_poll")) {
                poll.clear();
            }
        }
        assertThat(polls).as("polls of 16 frames").isGreaterThan(20);
        assertThat(packets).isEqualTo(16 * polls);
    }

    /**
     * The softirq accounting allocates nothing: a saturated backlog in {@code ksoftirqd} (cpu2), and a saturated
     * ring polled in {@code ksoftirqd/0} without threaded NAPI.
     */
    @Test
    void shouldNotAllocateWhileKsoftirqdRuns() {
        final RouterConfig backlog = RouterFixtures.udpToCpu2(900 * RouterFixtures.MBIT)
                .withTiming(2_000_000_000L, 3_000_000L);
        final RouterConfig ring = saturatedRing(8000, 100).withTiming(2_000_000_000L, 3_000_000L);
        for (final RouterConfig c : List.of(backlog, ring.withProfile(ring.profile().threadedNapi(false)))) {
            final RouterSimulation sim = new RouterSimulation(c);
            sim.start();
            sim.advance(300_000_000L);
            final long[] t = {300_000_000L};
            final long before = sim.injected();
            AllocationMeter.assertNoAllocation("ksoftirqd's accounting", 2_000, 1_000, () -> {
                t[0] += 200_000L;
                sim.advance(t[0]);
            });
            assertThat(sim.injected() - before).as("packets in the measured span").isGreaterThan(10_000);
        }
    }
}
