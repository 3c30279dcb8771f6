package io.pktsim.stack.napi;

import org.junit.jupiter.api.Test;

import io.pktsim.core.test.AllocationMeter;

/** The poll, softirq, ksoftirqd, IRQ and RPS paths allocate nothing once warm. */
class NapiAllocationTest {

    @Test
    void shouldNotAllocateInSaturatedPollingWithKsoftirqdAndATask() {
        final NapiRig rig = new NapiRig(1, 100);
        final NapiInstance[] n = new NapiInstance[3];
        for (int i = 0; i < 3; i++) {
            n[i] = rig.softnet.addNapi("n" + i, 0, 64, rig.new Saturated((char) ('A' + i), 10), null);
        }
        rig.thread(0).addTask((cpu, now) -> {
            cpu.charge(rig.work, 5_000);
            return true;
        }, "hog", false);
        rig.irqAt(0, 0, (cpu, line, now) -> {
            cpu.wake(1, now);
            for (final NapiInstance x : n) {
                x.napiSchedule(now);
            }
        });
        final long[] t = {0};
        AllocationMeter.assertNoAllocation("saturated net_rx_action", () -> {
            t[0] += 1_000;
            rig.loop.runUntil(t[0]);
            rig.log.setLength(0);
        });
    }

    @Test
    void shouldNotAllocateOnTheInterruptRingAndRpsPaths() {
        final NapiRig rig = new NapiRig(2, 100);
        final NapiRig.Ring ring = rig.new Ring(50);
        ring.napi = rig.softnet.addNapi("rx0", 0, 64, ring, null);
        rig.softnet.backlogSink((cpu, packet, now) -> { });
        final io.pktsim.core.cpu.HardIrqHandler rx = (cpu, line, now) -> {
            ring.frames += 3;
            rig.softnet.enqueueToBacklog(0, 1, 7, now);
            if (!ring.masked) {
                ring.onHardIrq(cpu, line, now);
            }
        };
        final int kind = rig.loop.register((tg, a, now) -> rig.thread(0).hardIrq(rx, 0, now), "frame");
        final long[] t = {0};
        AllocationMeter.assertNoAllocation("irq, poll, complete, RPS IPI", () -> {
            t[0] += 2_000;
            rig.loop.schedule(t[0], kind, 0, 0);
            rig.loop.runUntil(t[0] + 1_000);
        });
    }
}
