package io.pktsim.stack.napi;

import io.pktsim.core.cpu.CpuStages;
import io.pktsim.core.cpu.CpuTopology;
import io.pktsim.core.cpu.HardIrqHandler;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.trace.TraceBus;

/** A small machine for NAPI tests: CPUs at 1 GHz (one cycle per ns) and a softnet. */
final class NapiRig {

    final EventLoop loop = new EventLoop();
    final CpuStages stages = new CpuStages();
    final int work = stages.register("driver_rx");
    final CpuTopology cpus;
    final Softnet softnet;
    final StringBuilder log = new StringBuilder();

    NapiRig(final int threads, final int hz, final NapiKnobs knobs) {
        cpus = new CpuTopology(loop, stages, threads, 1, 1_000_000_000L, hz, 1000);
        softnet = new Softnet(cpus, loop, knobs, new SoftnetCosts(), TraceBus.disabled());
    }

    NapiRig(final int threads, final int hz) {
        this(threads, hz, new NapiKnobs(hz));
    }

    /** Raises a hard IRQ on a CPU at a time. */
    void irqAt(final long timeNs, final int cpu, final HardIrqHandler handler) {
        final int kind = loop.register((t, a, now) -> cpus.thread(cpu).hardIrq(handler, 0, now), "irq@" + timeNs);
        loop.schedule(timeNs, kind, 0, 0);
    }

    HardwareThread thread(final int cpu) {
        return cpus.thread(cpu);
    }

    /** A driver whose ring never runs dry: every poll takes its whole budget, costing cyclesPerFrame each. */
    final class Saturated implements NapiPoll {
        final char tag;
        final long cyclesPerFrame;
        long frames;

        Saturated(final char tag, final long cyclesPerFrame) {
            this.tag = tag;
            this.cyclesPerFrame = cyclesPerFrame;
        }

        @Override
        public int poll(final NapiInstance napi, final int budget, final long nowNs) {
            final SoftnetData sd = softnet.softnet(napi.cpu());
            log.append(tag);
            sd.thread().charge(work, cyclesPerFrame * budget);
            frames += budget;
            return budget;
        }
    }

    /** A driver with a finite ring of frames and a maskable interrupt, mtk_eth_soc style. */
    final class Ring implements NapiPoll, HardIrqHandler {
        final long cyclesPerFrame;
        NapiInstance napi;
        int frames;
        boolean masked;
        int irqs;
        int unmasks;
        long polled;

        Ring(final long cyclesPerFrame) {
            this.cyclesPerFrame = cyclesPerFrame;
        }

        @Override
        public void onHardIrq(final HardwareThread cpu, final int line, final long nowNs) {
            irqs++;
            masked = true;
            napi.napiSchedule(nowNs);
        }

        @Override
        public int poll(final NapiInstance n, final int budget, final long nowNs) {
            final int take = Math.min(budget, frames);
            frames -= take;
            polled += take;
            softnet.softnet(n.cpu()).thread().charge(work, cyclesPerFrame * take);
            if (take < budget && n.napiCompleteDone(take, nowNs)) {
                masked = false;
                unmasks++;
            }
            return take;
        }
    }
}
