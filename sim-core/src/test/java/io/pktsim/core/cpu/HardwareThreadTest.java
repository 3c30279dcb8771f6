package io.pktsim.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.pktsim.core.event.EventLoop;

class HardwareThreadTest {

    private final EventLoop loop = new EventLoop();
    private final CpuStages stages = new CpuStages();
    private final int work = stages.register("work");
    private final StringBuilder log = new StringBuilder();

    /** 1 GHz: one cycle is one nanosecond. */
    private HardwareThread thread(final int id) {
        return new HardwareThread(new CpuCore(id, "cpu" + id, 1_000_000_000L, stages), loop, 100);
    }

    private void at(final long timeNs, final Runnable r) {
        final int kind = loop.register((t, a, now) -> r.run(), "at" + timeNs);
        loop.schedule(timeNs, kind, 0, 0);
    }

    @Test
    void shouldRunHardIrqThenSoftirqBeforeResumingThePreemptedTask() {
        final HardwareThread cpu = thread(0);
        final int hog = cpu.addTask((c, now) -> {
            log.append("task@").append(now).append(' ');
            c.charge(work, 1000);
            return true;
        }, "hog", false);
        cpu.openSoftirq(HardwareThread.NET_RX_SOFTIRQ, (c, now) -> {
            log.append("softirq@").append(now).append(' ');
            c.charge(work, 200);
            return false;
        });
        at(0, () -> cpu.wake(hog, 0));
        at(500, () -> cpu.hardIrq((c, line, now) -> {
            log.append("irq@").append(now).append(' ');
            c.charge(work, 100);
            c.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, now);
        }, 7, 500));
        loop.runUntil(1400);
        // task 0..500, irq 500..600, softirq 600..800, task resumes 800..1300, next step at 1300
        assertThat(log.toString()).isEqualTo("task@0 irq@500 softirq@600 task@1300 ");
        assertThat(cpu.counters().get(CpuThreadCounter.TASK_PREEMPTIONS)).isEqualTo(1);
        assertThat(cpu.contextCycles(CpuContext.HARDIRQ)).isEqualTo(100);
        assertThat(cpu.contextCycles(CpuContext.SOFTIRQ)).isEqualTo(200);
        assertThat(cpu.contextCycles(CpuContext.TASK)).isEqualTo(2000);
    }

    @Test
    void shouldExtendSoftirqWorkByAHardIrqArrivingDuringIt() {
        final HardwareThread cpu = thread(0);
        final int[] steps = {0};
        cpu.openSoftirq(HardwareThread.NET_RX_SOFTIRQ, (c, now) -> {
            log.append("step@").append(now).append(' ');
            c.charge(work, 1000);
            return ++steps[0] < 2;
        });
        at(0, () -> cpu.hardIrq((c, l, now) -> c.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, now), 0, 0));
        at(300, () -> cpu.hardIrq((c, l, now) -> c.charge(work, 50), 0, 300));
        loop.runUntil(5000);
        assertThat(log.toString()).isEqualTo("step@0 step@1050 ");
    }

    @Test
    void shouldTakeAnInterruptRaisedByItsOwnWorkAtOnceAndExtendThatWork() {
        final HardwareThread cpu = thread(0);
        final int[] steps = {0};
        cpu.openSoftirq(HardwareThread.NET_RX_SOFTIRQ, (c, now) -> {
            log.append("step@").append(now).append(' ');
            c.charge(work, 1000);
            if (steps[0]++ == 0) {
                // a driver re-enables its asserted source: the line fires inside the poll
                c.hardIrq((c2, l, t) -> {
                    c2.charge(work, 50);
                    c2.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, t);
                }, 3, now);
            }
            return false;
        });
        at(0, () -> cpu.hardIrq((c, l, now) -> c.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, now), 0, 0));
        loop.runUntil(5000);
        assertThat(log.toString()).isEqualTo("step@0 step@1050 ");
        assertThat(cpu.counters().get(CpuThreadCounter.HARD_IRQS)).isEqualTo(2);
        assertThat(cpu.contextCycles(CpuContext.HARDIRQ)).isEqualTo(50);
    }

    @Test
    void shouldRunStepEndHooksWhenTheStepsCyclesHaveRun() {
        final HardwareThread cpu = thread(0);
        final int[] steps = {0};
        final StepEndHook enable = (c, arg, now) -> {
            log.append("hook").append(arg).append('@').append(now).append(' ');
            c.hardIrq((c2, l, t) -> c2.charge(work, 50), 0, now);
        };
        cpu.openSoftirq(HardwareThread.NET_RX_SOFTIRQ, (c, now) -> {
            log.append("step@").append(now).append(' ');
            c.charge(work, 1000);
            if (steps[0]++ == 0) {
                c.atStepEnd(enable, 7);
                return true;
            }
            return false;
        });
        at(0, () -> cpu.hardIrq((c, l, now) -> c.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, now), 0, 0));
        loop.runUntil(5000);
        // the hook runs at 1000 ns, its interrupt takes 50 ns, the next step starts at 1050 ns
        assertThat(log.toString()).isEqualTo("step@0 hook7@1000 step@1050 ");
    }

    @Test
    void shouldHandOffToKsoftirqdAfterTenPassesAndShareTheCpuRoundRobin() {
        final HardwareThread cpu = thread(0);
        final int[] runs = {0};
        cpu.openSoftirq(HardwareThread.NET_RX_SOFTIRQ, (c, now) -> {
            runs[0]++;
            log.append('s');
            c.charge(work, 10);
            if (runs[0] < 25) {
                c.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, now);
            }
            return false;
        });
        final int hog = cpu.addTask((c, now) -> {
            log.append(" H@").append(now).append(' ');
            c.charge(work, 1000);
            return true;
        }, "hog", false);
        at(0, () -> cpu.wake(hog, 0));
        at(100, () -> cpu.hardIrq((c, l, now) -> {
            c.charge(work, 10);
            c.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, now);
        }, 0, 100));
        loop.runUntil(3000);
        // irq_exit at 110: 10 passes (to 210), ksoftirqd woken; the hog resumes to 1110; ksoftirqd (queued
        // first): 10 passes to 1210; hog 1210..2210; ksoftirqd: the last 5 passes, then sleeps; hog at 2260
        assertThat(log.toString()).isEqualTo(" H@0 ssssssssssssssssssss H@1210 sssss H@2260 ");
        assertThat(runs[0]).isEqualTo(25);
        assertThat(cpu.counters().get(CpuThreadCounter.SOFTIRQ_ENTRIES)).isEqualTo(3);
        assertThat(cpu.counters().get(CpuThreadCounter.SOFTIRQ_RESTARTS)).isEqualTo(9 + 9 + 4);
        assertThat(cpu.counters().get(CpuThreadCounter.KSOFTIRQD_WAKEUPS)).isEqualTo(1);
        assertThat(cpu.taskRunnable(cpu.ksoftirqdTask())).isFalse();
        // the 15 passes after the hand-off ran in ksoftirqd: softirq work, counted as ksoftirqd's, not a task's
        assertThat(cpu.ksoftirqdSoftirqCycles()).isEqualTo(15 * 10);
        assertThat(cpu.taskCycles(cpu.ksoftirqdTask())).isZero();
    }

    @Test
    void shouldStopRestartingWhenTheJiffyEnds() {
        final HardwareThread cpu = thread(0);
        final int[] runs = {0};
        cpu.openSoftirq(HardwareThread.NET_RX_SOFTIRQ, (c, now) -> {
            runs[0]++;
            c.charge(work, 4_000_000);
            c.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, now);
            return false;
        });
        at(0, () -> cpu.hardIrq((c, l, now) -> c.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, now), 0, 0));
        loop.runUntil(13_000_000);
        // HZ=100: MAX_SOFTIRQ_TIME is 1 jiffy (10 ms); passes at 0, 4 and 8 ms; the third ends at 12 ms, in
        // jiffy 1: no restart, ksoftirqd takes over
        assertThat(cpu.counters().get(CpuThreadCounter.SOFTIRQ_RESTARTS)).isEqualTo(2);
        assertThat(cpu.counters().get(CpuThreadCounter.KSOFTIRQD_WAKEUPS)).isEqualTo(1);
        assertThat(HardwareThread.msecsToJiffies(2, 100)).isEqualTo(1);
        assertThat(HardwareThread.msecsToJiffies(2, 1000)).isEqualTo(2);
    }

    @Test
    void shouldShowOneSaturatedVpeOfFourAsTwentyFivePercent() {
        final CpuTopology topo = new CpuTopology(loop, stages, 2, 2, 880_000_000L, 100, 1200);
        final HardwareThread t0 = topo.thread(0);
        final int hog = t0.addTask((c, now) -> {
            c.charge(work, 8800);
            return true;
        }, "hog", false);
        at(0, () -> t0.wake(hog, 0));
        final CpuUtilization u = topo.utilization();
        u.begin(0);
        loop.runUntil(10_000_000);
        u.end(10_000_000);
        assertThat(u.utilization(0)).isEqualTo(1.0);
        assertThat(u.utilization(1)).isEqualTo(0.0);
        assertThat(topo.coreUtilization(u, 0)).isEqualTo(0.5);
        assertThat(topo.coreUtilization(u, 1)).isEqualTo(0.0);
        assertThat(topo.averageUtilization(u)).isEqualTo(0.25);
        assertThat(topo.averageUtilization(u, work)).isEqualTo(0.25);
        assertThat(topo.coreOf(3)).isEqualTo(1);
    }

    @Test
    void shouldSlowBothSiblingsWhenBothAreBusy() {
        final CpuTopology topo = new CpuTopology(loop, stages, 1, 2, 1_000_000_000L, 100, 1250);
        final int[] steps = new int[2];
        for (int i = 0; i < 2; i++) {
            final int me = i;
            final HardwareThread t = topo.thread(i);
            final int task = t.addTask((c, now) -> {
                steps[me]++;
                c.charge(work, 1000);
                return true;
            }, "hog" + i, false);
            at(0, () -> t.wake(task, 0));
        }
        loop.runUntil(16_000_000);
        // thread 0's first step starts while thread 1 is idle: 1000 ns; every other step takes 1000 * 2 / 1.25
        assertThat(steps[0]).isEqualTo(1 + (16_000_000 - 1000) / 1600 + 1);
        assertThat(steps[1]).isEqualTo(16_000_000 / 1600 + 1);
        assertThat(topo.thread(1).counters().get(CpuThreadCounter.SMT_PENALTY_CYCLES)).isEqualTo(600L * steps[1]);
    }
}
