package io.pktsim.lb.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * {@code napi_defer_hard_irqs} and {@code gro_flush_timeout} in the RX NAPI ({@code napi_complete_done},
 * {@code napi_watchdog}, net/core/dev.c, Linux 6.18; {@code mtk_napi_rx} enables the RX interrupt only when
 * {@code napi_complete_done} returns true).
 */
class RouterNapiDeferTest {

    @TempDir
    Path tmp;

    /** A 50 Mbit/s UDP download of 1000-byte datagrams: the RX CPU is far from busy. */
    private static RouterConfig udpDown(final Path trace) {
        final RouterConfig c = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, false, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.udp(1, 4, 50 * RouterFixtures.MBIT, 1000)), 200_000_000L, 3);
        return withTrace(c, withHrtimer(c.profile()), trace);
    }

    /** Four TCP downloads over a 300 Mbit/s line: GRO merges their segments. */
    private static RouterConfig tcpDown(final Path trace) {
        final RouterConfig c = RouterFixtures.config(1, 1, 300 * RouterFixtures.MBIT, false, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 4, RouterConfig.Direction.DOWNLOAD)),
                200_000_000L, 5);
        return withTrace(c, withHrtimer(c.profile()), trace);
    }

    /** Two TCP downloads over a gigabit line to an RX CPU that takes 11,000 cycles a frame, at {@code hz}. */
    private static RouterConfig slowRxTcp(final int hz, final Path trace) {
        final RouterConfig c = RouterFixtures.config(1, 1, 1000 * RouterFixtures.MBIT, false, false,
                RouterConfig.OffloadMode.NONE, RouterConfig.Balancing.none(),
                List.of(RouterFixtures.tcp(RouterConfig.AppKind.DOWNLOADER, 1, 2, RouterConfig.Direction.DOWNLOAD)),
                200_000_000L, 5);
        final CostTable t = c.profile().costs();
        final CostTable slow = t.copy().set(CostStage.DRIVER_RX, t.perEvent(CostStage.DRIVER_RX), 11_000,
                t.perByteMilli(CostStage.DRIVER_RX));
        return withTrace(c, c.profile().costs(slow.freeze()).rpsCpus(0x4).hz(hz), trace);
    }

    private static DeviceProfile withHrtimer(final DeviceProfile p) {
        final CostTable t = p.costs();
        return p.costs(t.copy().set(CostStage.HRTIMER, 1000, 0, 0).freeze());
    }

    private static RouterConfig withTrace(final RouterConfig base, final DeviceProfile p, final Path trace) {
        return new RouterConfig(p, base.lan(), base.wan(), false, base.balancing(), base.offload(), base.firewall(),
                base.qdisc(), base.workload(), base.durationNs(), base.warmupNs(), base.seed(), base.run(),
                new RouterConfig.Outputs(null, trace));
    }

    private static RouterConfig knobs(final RouterConfig c, final int defer, final long timeoutNs) {
        return c.withProfile(c.profile().napiDeferHardIrqs(defer).groFlushTimeoutNs(timeoutNs));
    }

    private static long gro(final RouterResults r, final String name) {
        return RouterResults.count(r.gro(), name);
    }

    /**
     * Two deferrals and 200 us: after a poll that took frames {@code napi_complete_done} returns false, the RX
     * interrupt stays masked and the hrtimer polls 200 us later, twice more when those polls find nothing; the
     * interrupt comes back only after the second empty one. At 6,250 frames/s nearly every poll is the timer's.
     */
    @Test
    void shouldPollFromTheTimerWhileDeferringHardIrqs() throws IOException {
        final RouterResults base = new RouterSimulation(udpDown(null)).run(ProgressListener.NONE);
        final Path trace = tmp.resolve("defer.jsonl");
        final RouterResults deferred = new RouterSimulation(knobs(udpDown(trace), 2, 200_000L))
                .run(ProgressListener.NONE);

        assertThat(base.forwardedPackets()).isGreaterThan(800);
        assertThat(deferred.forwardedPackets()).isBetween(base.forwardedPackets() * 98 / 100,
                base.forwardedPackets() * 102 / 100);
        assertThat(gro(base, "irqs")).isGreaterThan(100);
        assertThat(gro(deferred, "irqs")).as("hard IRQs").isLessThan(gro(base, "irqs") / 10);
        assertThat(gro(deferred, "timer_polls")).isGreaterThan(gro(base, "irqs") / 2);
        assertThat(deferred.cpuThreads().get(0).hardIrq()).isLessThan(base.cpuThreads().get(0).hardIrq());
        assertThat(deferred.stages()).anyMatch(s -> s.name().equals("hrtimer") && s.cycles() > 0);
        assertThat(base.stages()).noneMatch(s -> s.name().equals("hrtimer"));

        // the trace: an interrupt never comes while it is masked, and each masked stretch ends with 2 empty polls
        boolean masked = false;
        boolean scheduled = false;
        int emptyPollsSinceWork = 0;
        long deferrals = 0;
        long watchdogPolls = 0;
        long armed = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            switch (e.kind()) {
                case "napi_irq" -> {
                    assertThat(masked).as("an interrupt while masked at %s", e).isFalse();
                    scheduled = true;
                }
                case "napi_irq_deferred" -> {
                    masked = true;
                    scheduled = false;
                    deferrals++;
                }
                case "napi_timer_armed" -> {
                    armed++;
                    assertThat(e.num("timeout_ns")).isEqualTo(200_000L);
                }
                case "napi_watchdog" -> {
                    assertThat(e.num("scheduled")).isEqualTo(scheduled ? 0L : 1L);
                    if (!scheduled) {
                        watchdogPolls++;
                        scheduled = true;
                    }
                }
                case "napi_poll" -> {
                    if (e.num("done") == 0) {
                        emptyPollsSinceWork++;
                    } else {
                        emptyPollsSinceWork = 0;
                    }
                }
                case "napi_complete" -> {
                    assertThat(emptyPollsSinceWork).as("empty polls before the IRQ is enabled, at %s", e)
                            .isEqualTo(2);
                    masked = false;
                    scheduled = false;
                }
                default -> {
                }
            }
        }
        assertThat(deferrals).isPositive();
        assertThat(watchdogPolls).isPositive();
        assertThat(armed).isEqualTo(deferrals);
    }

    /**
     * A defer count without a timeout: {@code timeout} stays 0, so {@code ret} stays true; GRO flushes all; no
     * timer. The run is the run without the knob, to the last figure.
     */
    @Test
    void shouldChangeNothingWithADeferCountButNoTimeout() {
        final RouterResults base = new RouterSimulation(tcpDown(null)).run(ProgressListener.NONE);
        final RouterResults deferCountOnly = new RouterSimulation(knobs(tcpDown(null), 2, 0L))
                .run(ProgressListener.NONE);
        assertThat(gro(base, "merged")).isPositive();
        assertThat(deferCountOnly).isEqualTo(base);
    }

    /**
     * A timeout without deferral: after a poll that leaves packets in GRO {@code napi_complete_done} arms the
     * hrtimer and flushes only the packets held before this jiffy; the interrupt is enabled at once. GRO merges
     * more, the stack takes fewer packets up, and a packet waits in GRO at most about a jiffy (10 ms at HZ 100,
     * 1 ms at HZ 1000) rather than to the end of its poll.
     */
    @Test
    void shouldHoldThisJiffysGroPacketsUntilTheTimerAtACompletion() throws IOException {
        final RouterResults base = new RouterSimulation(tcpDown(null)).run(ProgressListener.NONE);
        final Path trace = tmp.resolve("gro.jsonl");
        final RouterResults hz100 = new RouterSimulation(knobs(tcpDown(trace), 0, 200_000L))
                .run(ProgressListener.NONE);
        final RouterConfig fast = knobs(tcpDown(null), 0, 200_000L);
        final RouterResults hz1000 = new RouterSimulation(fast.withProfile(fast.profile().hz(1000)))
                .run(ProgressListener.NONE);

        assertThat(gro(hz100, "hrtimer_expiries")).isPositive();
        assertThat(gro(hz100, "irqs")).as("the interrupt is enabled at each completion")
                .isGreaterThan(gro(base, "irqs") / 2);
        assertThat(gro(hz100, "merged")).isGreaterThan(gro(base, "merged") * 3 / 2);
        final long maxBase = RouterResults.count(base.latency(), "max_ns");
        final long max100 = RouterResults.count(hz100.latency(), "max_ns");
        final long max1000 = RouterResults.count(hz1000.latency(), "max_ns");
        assertThat(maxBase).isLessThan(1_000_000L);
        assertThat(max1000).isBetween(maxBase, 2_500_000L);
        assertThat(max100).isBetween(3_000_000L, 21_000_000L);

        long armedWithHeld = 0;
        long deferrals = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if (e.kind().equals("napi_timer_armed") && e.num("gro_held") > 0) {
                armedWithHeld++;
            }
            if (e.kind().equals("napi_irq_deferred")) {
                deferrals++;
            }
        }
        assertThat(armedWithHeld).isPositive();
        assertThat(deferrals).as("napi_defer_hard_irqs 0 never defers").isZero();
    }
    /**
     * A full poll ({@code __napi_poll}: {@code gro_flush_normal(&n->gro, HZ >= 1000)}): with HZ below 1000 it
     * flushes everything GRO holds, at 1000 or more only the packets held before the current jiffy, so the rest go
     * on merging in the next poll. An RX CPU slow enough (driver RX at 11,000 cycles a frame) polls full rings of two
     * TCP downloads in well under a jiffy; HZ 999 and 1000 differ in that rule alone (and in a jiffy's length by
     * 0.1 %). The trace shows it: at HZ 999 a flow's first merge in a poll always makes a packet of 2 segments (its
     * first held one and this), at HZ 1000 it sometimes continues a packet the previous, full poll kept.
     */
    @Test
    void shouldKeepThisJiffysGroPacketsAcrossAFullPollOnlyWithHz1000() throws IOException {
        final Path t999 = tmp.resolve("hz999.jsonl");
        final Path t1000 = tmp.resolve("hz1000.jsonl");
        final RouterResults hz999 = new RouterSimulation(slowRxTcp(999, t999)).run(ProgressListener.NONE);
        final RouterResults hz1000 = new RouterSimulation(slowRxTcp(1000, t1000)).run(ProgressListener.NONE);
        // the RX CPU falls behind: its polls often take the full weight
        assertThat(RouterResults.count(hz999.pollBatch(), "p90")).isEqualTo(64);
        assertThat(RouterResults.count(hz1000.pollBatch(), "p90")).isEqualTo(64);
        assertThat(carriedMerges(t999)).isZero();
        assertThat(carriedMerges(t1000)).isPositive();
    }

    /** The first merges of a flow in a poll that continued a packet an earlier poll held (more than 2 segments). */
    private static long carriedMerges(final Path trace) throws IOException {
        final java.util.Set<Long> merged = new java.util.HashSet<>();
        long carried = 0;
        long merges = 0;
        for (final RouterTraceTest.Event e : RouterTraceTest.read(trace)) {
            if (e.kind().equals("napi_poll")) {
                merged.clear();
            } else if (e.kind().equals("gro_merge")) {
                merges++;
                if (merged.add(e.num("flow")) && e.num("segs") > 2) {
                    carried++;
                }
            } else if (e.kind().equals("gro_flush")) {
                // a flushed packet's successor is a new one: its first merge makes 2 segments
                merged.add(e.num("flow"));
            }
        }
        assertThat(merges).as("GRO merged segments").isGreaterThan(1000);
        return carried;
    }
}
