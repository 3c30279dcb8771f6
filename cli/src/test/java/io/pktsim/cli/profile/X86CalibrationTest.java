package io.pktsim.cli.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.pktsim.core.cpu.CpuStages;
import io.pktsim.core.cpu.CpuTopology;
import io.pktsim.core.cpu.CpuUtilization;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.stack.driver.PacketPath;
import io.pktsim.stack.driver.PathCounter;
import io.pktsim.stack.gro.GroReason;
import io.pktsim.stack.napi.NapiInstance;
import io.pktsim.stack.napi.Softnet;
import io.pktsim.stack.napi.SoftnetCounter;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;
import io.pktsim.stack.profile.DeviceProfile;

/**
 * router-facts.md section 12 through the NAPI and CPU model: one x86 core at 3.6 GHz with a ring that never
 * runs dry forwards about 1.74 Mpps on a single route and drops about 5.05 Mpps in the raw table.
 */
class X86CalibrationTest {

    private static final long RUN_NS = 20_000_000L;

    private static double mpps(final PacketPath.Mode mode) throws Exception {
        final DeviceProfile p = new ProfileLoader().load("x86");
        final EventLoop loop = new EventLoop();
        final CpuStages stages = new CpuStages();
        final CpuTopology cpus = new CpuTopology(loop, stages, 1, 1, p.clockHz(), p.hz(), p.smtThroughputPermille());
        final int[] ids = CostStage.registerAll(stages);
        final Softnet softnet = new Softnet(cpus, loop, p.napiKnobs(), p.costs().softnetCosts(), TraceBus.disabled());
        final PacketStore store = new PacketStore(1024);
        final PacketPath path = new PacketPath(softnet, p.costs(), ids, store, mode, null);
        final CostTable c = p.costs();
        final HardwareThread cpu = cpus.thread(0);
        final NapiInstance napi = softnet.addNapi("mlx5/rx0", 0, p.napiWeight(), (n, budget, now) -> {
            path.cpu(cpu);
            for (int i = 0; i < budget; i++) {
                final int h = store.allocate();
                store.length(h, 64);
                cpu.charge(ids[CostStage.DRIVER_RX.ordinal()], c.packetCycles(CostStage.DRIVER_RX, 64));
                cpu.charge(ids[CostStage.GRO.ordinal()], c.packetCycles(CostStage.GRO, 64));
                path.deliver(h, GroReason.NOT_TCP, now);
            }
            return budget;
        }, null);
        final int kind = loop.register((t, a, now) -> cpu.hardIrq((th, line, n) -> {
            th.charge(ids[CostStage.HARD_IRQ.ordinal()], c.perEvent(CostStage.HARD_IRQ));
            napi.napiSchedule(n);
        }, 0, now), "irq");
        loop.schedule(0, kind, 0, 0);
        final CpuUtilization u = cpus.utilization();
        u.begin(0);
        loop.runUntil(RUN_NS);
        u.end(RUN_NS);
        assertThat(u.utilization(0)).isGreaterThan(0.999);
        // saturated: every poll takes its whole weight; the CPU hands polling to ksoftirqd
        assertThat(softnet.softnet(0).counters().get(SoftnetCounter.REPOLLS))
            .isEqualTo(softnet.softnet(0).counters().get(SoftnetCounter.POLLS));
        final long done = path.counters().get(PathCounter.FORWARDED) + path.counters().get(PathCounter.RAW_DROPPED);
        return done * 1000.0 / RUN_NS;
    }

    @Test
    void shouldForwardAbout174MppsPerCoreOnASingleRoute() throws Exception {
        assertThat(mpps(PacketPath.Mode.FORWARD)).isBetween(1.74 * 0.9, 1.74 * 1.1);
    }

    @Test
    void shouldDropAbout505MppsInTheRawTable() throws Exception {
        assertThat(mpps(PacketPath.Mode.RAW_DROP)).isBetween(5.05 * 0.9, 5.05 * 1.1);
    }
}
