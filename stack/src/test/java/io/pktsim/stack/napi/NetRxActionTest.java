package io.pktsim.stack.napi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.pktsim.core.cpu.CpuThreadCounter;

class NetRxActionTest {

    @Test
    void shouldPollThreeSaturatedInstancesOnceEachPerRunAndRepollThemAtTheTail() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiRig.Saturated a = rig.new Saturated('A', 100);
        final NapiRig.Saturated b = rig.new Saturated('B', 100);
        final NapiRig.Saturated c = rig.new Saturated('C', 100);
        final NapiInstance na = rig.softnet.addNapi("a", 0, 64, a, null);
        final NapiInstance nb = rig.softnet.addNapi("b", 0, 64, b, null);
        final NapiInstance nc = rig.softnet.addNapi("c", 0, 64, c, null);
        rig.irqAt(0, 0, (cpu, line, now) -> {
            na.napiSchedule(now);
            nb.napiSchedule(now);
            nc.napiSchedule(now);
        });
        // one run: 3 polls of 64 frames x 100 cycles = 19.2 us; stop after exactly 4 runs
        rig.loop.runUntil(4 * 19_200 - 1);
        final SoftnetData sd = rig.softnet.softnet(0);
        assertThat(rig.log.toString()).isEqualTo("ABCABCABCABC");
        assertThat(sd.counters().get(SoftnetCounter.NET_RX_ACTIONS)).isEqualTo(4);
        assertThat(a.frames).isEqualTo(4 * 64);
        assertThat(b.frames).isEqualTo(4 * 64);
        assertThat(c.frames).isEqualTo(4 * 64);
        // 192 < 300 and 19.2 us < 2 jiffies: no run was squeezed; every poll used its weight and was repolled
        assertThat(sd.counters().get(SoftnetCounter.TIME_SQUEEZE)).isZero();
        assertThat(sd.counters().get(SoftnetCounter.REPOLLS)).isEqualTo(12);
        assertThat(na.counters().get(NapiCounter.FULL_WEIGHT_POLLS)).isEqualTo(4);
        assertThat(rig.thread(0).counters().get(CpuThreadCounter.SOFTIRQ_RESTARTS)).isEqualTo(3);
    }

    @Test
    void shouldShare300PacketsRoundRobinAmongSixSaturatedInstances() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiInstance[] n = new NapiInstance[6];
        final NapiRig.Saturated[] d = new NapiRig.Saturated[6];
        for (int i = 0; i < 6; i++) {
            d[i] = rig.new Saturated((char) ('A' + i), 100);
            n[i] = rig.softnet.addNapi("n" + i, 0, 64, d[i], null);
        }
        rig.irqAt(0, 0, (cpu, line, now) -> {
            for (final NapiInstance x : n) {
                x.napiSchedule(now);
            }
        });
        // each run polls 5 instances (5 x 64 = 320 >= 300) in 32 us; stop inside the fourth run's first poll
        rig.loop.runUntil(3 * 32_000 + 1);
        final SoftnetData sd = rig.softnet.softnet(0);
        assertThat(rig.log.toString()).isEqualTo("ABCDE" + "FABCD" + "EFABC" + "D");
        assertThat(sd.counters().get(SoftnetCounter.TIME_SQUEEZE)).isEqualTo(3);
        assertThat(sd.counters().get(SoftnetCounter.BUDGET_EXHAUSTED)).isEqualTo(3);
        assertThat(sd.counters().get(SoftnetCounter.TIME_LIMIT)).isZero();
        assertThat(d[0].frames).isEqualTo(3 * 64);
        assertThat(d[3].frames).isEqualTo(3 * 64);
        assertThat(d[4].frames).isEqualTo(2 * 64);
        assertThat(d[5].frames).isEqualTo(2 * 64);
    }

    @Test
    void shouldEndARunAtTheTimeLimitOfTwoJiffiesAtHz100() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiInstance[] n = new NapiInstance[6];
        for (int i = 0; i < 6; i++) {
            // 64 frames x 109375 cycles = 7 ms per poll
            n[i] = rig.softnet.addNapi("n" + i, 0, 64, rig.new Saturated((char) ('A' + i), 109_375), null);
        }
        rig.irqAt(0, 0, (cpu, line, now) -> {
            for (final NapiInstance x : n) {
                x.napiSchedule(now);
            }
        });
        rig.loop.runUntil(21_000_000);
        // polls end at 7 ms (jiffy 0), 14 ms (1), 21 ms (2 = start + 2): squeezed after 3 polls; ksoftirqd's
        // run starts at once with D
        final SoftnetData sd = rig.softnet.softnet(0);
        assertThat(rig.log.toString()).isEqualTo("ABCD");
        assertThat(sd.counters().get(SoftnetCounter.NET_RX_ACTIONS)).isEqualTo(2);
        assertThat(sd.counters().get(SoftnetCounter.TIME_SQUEEZE)).isEqualTo(1);
        assertThat(sd.counters().get(SoftnetCounter.TIME_LIMIT)).isEqualTo(1);
        // the run outlasted MAX_SOFTIRQ_TIME (1 jiffy at HZ=100): ksoftirqd takes over
        assertThat(rig.thread(0).counters().get(CpuThreadCounter.KSOFTIRQD_WAKEUPS)).isEqualTo(1);
        assertThat(rig.thread(0).counters().get(CpuThreadCounter.SOFTIRQ_RESTARTS)).isZero();
    }

    @Test
    void shouldQuantiseTheTimeLimitToJiffies() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiInstance[] n = new NapiInstance[6];
        for (int i = 0; i < 6; i++) {
            n[i] = rig.softnet.addNapi("n" + i, 0, 64, rig.new Saturated((char) ('A' + i), 109_375), null);
        }
        rig.irqAt(9_000_000, 0, (cpu, line, now) -> {
            for (final NapiInstance x : n) {
                x.napiSchedule(now);
            }
        });
        rig.loop.runUntil(23_000_000);
        // starting late in jiffy 0: polls end at 16 ms (jiffy 1) and 23 ms (jiffy 2): only 2 polls (14 ms);
        // the next run starts at 23 ms with C
        assertThat(rig.log.toString()).isEqualTo("ABC");
        assertThat(rig.softnet.softnet(0).counters().get(SoftnetCounter.NET_RX_ACTIONS)).isEqualTo(2);
        assertThat(rig.softnet.softnet(0).counters().get(SoftnetCounter.TIME_LIMIT)).isEqualTo(1);
    }

    @Test
    void shouldEndARunAtTwoJiffiesAtHz1000() {
        final NapiRig rig = new NapiRig(1, 1000);
        final NapiInstance[] n = new NapiInstance[6];
        for (int i = 0; i < 6; i++) {
            // 0.7 ms per poll
            n[i] = rig.softnet.addNapi("n" + i, 0, 64, rig.new Saturated((char) ('A' + i), 10_937), null);
        }
        rig.irqAt(0, 0, (cpu, line, now) -> {
            for (final NapiInstance x : n) {
                x.napiSchedule(now);
            }
        });
        rig.loop.runUntil(2_100_000);
        assertThat(rig.softnet.budgetJiffies()).isEqualTo(2);
        assertThat(rig.log.toString()).isEqualTo("ABCD");
        assertThat(rig.softnet.softnet(0).counters().get(SoftnetCounter.NET_RX_ACTIONS)).isEqualTo(2);
        assertThat(rig.softnet.softnet(0).counters().get(SoftnetCounter.TIME_LIMIT)).isEqualTo(1);
    }

    @Test
    void shouldHandOffSaturatedPollingToKsoftirqdAfterTenRuns() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiInstance na = rig.softnet.addNapi("a", 0, 64, rig.new Saturated('A', 10), null);
        rig.irqAt(0, 0, (cpu, line, now) -> na.napiSchedule(now));
        // each run: one poll of 640 ns; the irq_exit __do_softirq makes 10 passes, then ksoftirqd is woken
        rig.loop.runUntil(10 * 640 - 1);
        assertThat(rig.log.toString()).hasSize(10);
        assertThat(rig.thread(0).counters().get(CpuThreadCounter.KSOFTIRQD_WAKEUPS)).isZero();
        rig.loop.runUntil(10 * 640);
        assertThat(rig.thread(0).counters().get(CpuThreadCounter.KSOFTIRQD_WAKEUPS)).isEqualTo(1);
        assertThat(rig.thread(0).counters().get(CpuThreadCounter.SOFTIRQ_RESTARTS)).isEqualTo(9);
    }
}
