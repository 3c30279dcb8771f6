package io.pktsim.stack.napi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.pktsim.core.cpu.CpuThreadCounter;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.gro.GroConfig;
import io.pktsim.stack.gro.GroTable;

class NapiScheduleTest {

    @Test
    void shouldCompleteAndUnmaskWhenThePollDidLessThanItsWeight() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiRig.Ring ring = rig.new Ring(100);
        ring.napi = rig.softnet.addNapi("rx0", 0, 64, ring, null);
        ring.frames = 100;
        rig.irqAt(0, 0, ring);
        rig.loop.runUntil(1_000_000);
        // 64 (whole weight, repolled), then 36 and complete_done: interrupt re-enabled once
        assertThat(ring.polled).isEqualTo(100);
        assertThat(ring.napi.counters().get(NapiCounter.POLLS)).isEqualTo(2);
        assertThat(ring.napi.counters().get(NapiCounter.FULL_WEIGHT_POLLS)).isEqualTo(1);
        assertThat(ring.napi.counters().get(NapiCounter.COMPLETIONS)).isEqualTo(1);
        assertThat(ring.unmasks).isEqualTo(1);
        assertThat(ring.masked).isFalse();
        assertThat(ring.napi.scheduled()).isFalse();
    }

    @Test
    void shouldScheduleAnewForAnInterruptAfterTheCompletion() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiRig.Ring ring = rig.new Ring(100);
        ring.napi = rig.softnet.addNapi("rx0", 0, 64, ring, null);
        ring.frames = 10;
        rig.irqAt(0, 0, ring);
        // the poll of 10 frames occupies 0..1000 ns, but its logic (and napi_complete_done) ran at its start:
        // an interrupt at 500 ns finds SCHED clear and schedules a new poll (no MISSED)
        rig.irqAt(500, 0, (cpu, line, now) -> ring.napi.napiSchedule(now));
        rig.loop.runUntil(1_000_000);
        assertThat(ring.napi.counters().get(NapiCounter.SCHEDULED)).isEqualTo(2);
        assertThat(ring.napi.counters().get(NapiCounter.MISSED)).isZero();
    }

    @Test
    void shouldRescheduleOnCompletionWhenMissedIsSet() {
        final NapiRig rig = new NapiRig(1, 100);
        final int[] polls = {0};
        final NapiInstance[] self = new NapiInstance[1];
        self[0] = rig.softnet.addNapi("rx0", 0, 64, (n, budget, now) -> {
            polls[0]++;
            if (polls[0] == 1) {
                // an interrupt for this instance while it is polled: napi_schedule finds SCHED, sets MISSED
                assertThat(n.napiSchedule(now)).isFalse();
            }
            assertThat(n.napiCompleteDone(1, now)).isEqualTo(polls[0] > 1);
            return 1;
        }, null);
        rig.irqAt(0, 0, (cpu, line, now) -> self[0].napiSchedule(now));
        rig.loop.runUntil(1_000_000);
        assertThat(polls[0]).isEqualTo(2);
        assertThat(self[0].counters().get(NapiCounter.MISSED)).isEqualTo(1);
        assertThat(self[0].counters().get(NapiCounter.RESCHEDULED_MISSED)).isEqualTo(1);
        assertThat(self[0].scheduled()).isFalse();
    }

    /**
     * net_rx_action() in 6.18: an instance ____napi_schedule() puts on the poll list during a run raises no softirq
     * ({@code in_net_rx_action}); the run polls it when its own list is empty ({@code goto start}), with the budget
     * left: one net_rx_action, no restart.
     */
    @Test
    void shouldPollAnInstanceScheduledDuringTheRunInThatRun() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiInstance[] second = new NapiInstance[1];
        final int[] budgets = new int[2];
        second[0] = rig.softnet.addNapi("tx", 0, 64, (n, budget, now) -> {
            budgets[1] = budget;
            n.napiCompleteDone(3, now);
            return 3;
        }, null);
        final NapiInstance first = rig.softnet.addNapi("rx0", 0, 64, (n, budget, now) -> {
            budgets[0] = budget;
            second[0].napiSchedule(now);
            n.napiCompleteDone(10, now);
            return 10;
        }, null);
        rig.irqAt(0, 0, (cpu, line, now) -> first.napiSchedule(now));
        rig.loop.runUntil(1_000_000);
        assertThat(second[0].counters().get(NapiCounter.POLLS)).isEqualTo(1);
        assertThat(rig.softnet.softnet(0).counters().get(SoftnetCounter.NET_RX_ACTIONS)).isEqualTo(1);
        assertThat(rig.softnet.softnet(0).counters().get(SoftnetCounter.POLLS)).isEqualTo(2);
        assertThat(rig.cpus.thread(0).counters().get(CpuThreadCounter.SOFTIRQ_RESTARTS)).isZero();
        assertThat(budgets).as("each poll gets its weight; the run's budget is shared").containsExactly(64, 64);
    }

    @Test
    void shouldDropAtTheBacklogLimitAndDeliverThroughAnRpsIpi() {
        final NapiRig rig = new NapiRig(2, 100);
        final int[] delivered = new int[2];
        rig.softnet.backlogSink((cpu, packet, now) -> delivered[cpu]++);
        final boolean[] results = new boolean[1002];
        rig.irqAt(0, 0, (cpu, line, now) -> {
            for (int i = 0; i < 1002; i++) {
                results[i] = rig.softnet.enqueueToBacklog(0, 1, i, now);
            }
        });
        rig.loop.runUntil(10_000_000);
        // the length is tested before the enqueue: 1001 fit (qlen 0..1000 <= netdev_max_backlog), the 1002nd drops
        assertThat(results[1000]).isTrue();
        assertThat(results[1001]).isFalse();
        final SoftnetData target = rig.softnet.softnet(1);
        assertThat(target.counters().get(SoftnetCounter.DROPPED)).isEqualTo(1);
        assertThat(target.counters().get(SoftnetCounter.BACKLOG_ENQUEUED)).isEqualTo(1001);
        assertThat(rig.softnet.softnet(0).counters().get(SoftnetCounter.IPIS_SENT)).isEqualTo(1);
        assertThat(target.counters().get(SoftnetCounter.RECEIVED_RPS)).isEqualTo(1);
        assertThat(target.counters().get(SoftnetCounter.PROCESSED)).isEqualTo(1001);
        assertThat(delivered[1]).isEqualTo(1001);
        assertThat(delivered[0]).isZero();
        // dev_weight 64: 15 whole polls and one of 41
        assertThat(target.backlog().counters().get(NapiCounter.POLLS)).isEqualTo(16);
        assertThat(target.backlog().counters().get(NapiCounter.FULL_WEIGHT_POLLS)).isEqualTo(15);
        assertThat(target.backlog().scheduled()).isFalse();
        assertThat(target.backlogLength()).isZero();
    }

    @Test
    void shouldRunAThreadedInstanceAsATaskSharingTheCpuRoundRobin() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiRig.Ring ring = rig.new Ring(100);
        ring.napi = rig.softnet.addNapi("rx0", 0, 64, ring, null);
        ring.napi.threaded();
        ring.frames = 200;
        final StringBuilder log = new StringBuilder();
        final int hog = rig.thread(0).addTask((cpu, now) -> {
            log.append("H@").append(now).append(' ');
            cpu.charge(rig.work, 10_000);
            return true;
        }, "hog", false);
        rig.irqAt(0, 0, (cpu, line, now) -> {
            cpu.wake(hog, now);
            ring.onHardIrq(cpu, line, now);
        });
        rig.loop.runUntil(59_999);
        // hog woken first, then the kthread: hog 0..10000, napi 64 (6400 ns), hog, napi 64, hog, napi 64, hog,
        // napi 8 and complete (59200..60000)
        assertThat(log.toString()).isEqualTo("H@0 H@16400 H@32800 H@49200 ");
        assertThat(ring.polled).isEqualTo(200);
        assertThat(ring.unmasks).isEqualTo(1);
        assertThat(ring.napi.counters().get(NapiCounter.THREAD_WAKEUPS)).isEqualTo(1);
        assertThat(rig.softnet.softnet(0).counters().get(SoftnetCounter.NET_RX_ACTIONS)).isZero();
    }

    @Test
    void shouldKeepTheIrqMaskedForDeferredEmptyPollsDrivenByTheGroFlushTimer() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiRig.Ring ring = rig.new Ring(100);
        final PacketStore store = new PacketStore(64);
        final GroTable gro = new GroTable(store, new GroConfig().hz(100).napiDeferHardIrqs(2)
            .groFlushTimeoutNs(50_000), (h, r, t) -> store.free(h));
        ring.napi = rig.softnet.addNapi("rx0", 0, 64, ring, gro);
        ring.frames = 10;
        rig.irqAt(0, 0, ring);
        rig.loop.runUntil(1_000_000);
        // poll 10 (deferred: count 2 -> 1, timer 50 us), empty poll (1 -> 0, timer), empty poll: IRQ on
        assertThat(ring.napi.counters().get(NapiCounter.POLLS)).isEqualTo(3);
        assertThat(ring.napi.counters().get(NapiCounter.TIMER_FIRES)).isEqualTo(2);
        assertThat(ring.napi.counters().get(NapiCounter.IRQ_DEFERRED)).isEqualTo(2);
        assertThat(ring.unmasks).isEqualTo(1);
        assertThat(rig.thread(0).counters().get(CpuThreadCounter.HARD_IRQS)).isEqualTo(3);
    }
}
