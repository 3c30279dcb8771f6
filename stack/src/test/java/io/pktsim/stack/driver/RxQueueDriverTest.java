package io.pktsim.stack.driver;

import static org.assertj.core.api.Assertions.assertThat;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.pktsim.core.cpu.CpuStages;
import io.pktsim.core.cpu.CpuThreadCounter;
import io.pktsim.core.cpu.CpuTopology;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.nic.port.NicPort;
import io.pktsim.nic.port.NicPortConfig;
import io.pktsim.nic.port.PortCounter;
import io.pktsim.nic.trace.NicTrace;
import io.pktsim.stack.gro.GroConfig;
import io.pktsim.stack.gro.GroCounter;
import io.pktsim.stack.gro.GroTable;
import io.pktsim.stack.napi.NapiCounter;
import io.pktsim.stack.napi.NapiKnobs;
import io.pktsim.stack.napi.Softnet;
import io.pktsim.stack.napi.SoftnetCounter;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;

/** The mtk_eth_soc-style RX driver over a NIC port: interrupt, poll into GRO, completion, re-enable. */
class RxQueueDriverTest {

    private final EventLoop loop = new EventLoop();
    private final PacketStore store = new PacketStore(2048);
    private final CpuStages stages = new CpuStages();
    private final CpuTopology cpus = new CpuTopology(loop, stages, 1, 1, 1_000_000_000L, 100, 1000);
    private final int[] ids = CostStage.registerAll(stages);
    private final Softnet softnet = new Softnet(cpus, loop, new NapiKnobs(100), new CostTable().softnetCosts(),
        TraceBus.disabled());
    /** 1 GHz: 1000 cycles of driver RX and 1000 of stack (netif_receive) per frame, 500 per interrupt. */
    private final CostTable costs = new CostTable().set(CostStage.HARD_IRQ, 500, 0, 0)
        .set(CostStage.DRIVER_RX, 0, 1000, 0).set(CostStage.NETIF_RECEIVE, 0, 1000, 0).freeze();
    private final PacketPath path = new PacketPath(softnet, costs, ids, store, PacketPath.Mode.RAW_DROP, null);
    private final NicPort port = new NicPort("eth0", 1, NicPortConfig.mt7621Legacy().noCoalescing(), loop, store,
        NicTrace.disabled());
    private final GroTable gro = new GroTable(store, new GroConfig().hz(100), path);
    private final HardwareThread cpu = cpus.thread(0);
    private final RxQueueDriver driver = new RxQueueDriver("eth0/rx0", port.rxQueue(0), cpu, softnet, 64, gro, path,
        store, costs, ids);
    private final UnsafeBuffer template;
    private final int templateLength;

    RxQueueDriverTest() {
        final int h = new PacketBuilder(store).reset().udp(1000, 9).payload(18).build();
        template = new UnsafeBuffer(new byte[store.storedLength(h)]);
        template.putBytes(0, store.buffer(), store.frameOffset(h), store.storedLength(h));
        templateLength = store.length(h);
        store.free(h);
    }

    private int frame() {
        final int h = store.allocate();
        store.putFrame(h, template, 0, template.capacity(), templateLength);
        return h;
    }

    private void arrive(final long atNs) {
        final int kind = loop.register((t, a, now) -> port.receive(frame(), now), "arrive@" + atNs);
        loop.schedule(atNs, kind, 0, 0);
    }

    @Test
    void shouldTakeOneInterruptForFramesThatLandWhileThePollRuns() {
        // frame 1 at 0: IRQ (500 ns), poll of one frame (2000 ns: 500..2500); frames 2 and 3 land during it and
        // wait behind the disabled source; at the poll's end the source is enabled and fires once for both
        arrive(0);
        arrive(1000);
        arrive(1500);
        loop.runUntil(100_000);
        assertThat(driver.counters().get(DriverCounter.FRAMES)).isEqualTo(3);
        assertThat(driver.counters().get(DriverCounter.IRQS)).isEqualTo(2);
        assertThat(driver.counters().get(DriverCounter.IRQ_ENABLES)).isEqualTo(2);
        assertThat(driver.napi().counters().get(NapiCounter.POLLS)).isEqualTo(2);
        assertThat(driver.napi().counters().get(NapiCounter.WORK)).isEqualTo(3);
        assertThat(port.counters().get(PortCounter.RX_IRQ_HELD)).isEqualTo(2);
        assertThat(gro.counters().get(GroCounter.RECEIVED)).isEqualTo(3);
        assertThat(path.counters().get(PathCounter.RAW_DROPPED)).isEqualTo(3);
        assertThat(softnet.softnet(0).counters().get(SoftnetCounter.PROCESSED)).isEqualTo(3);
        assertThat(cpu.counters().get(CpuThreadCounter.HARD_IRQS)).isEqualTo(2);
        assertThat(store.inUse()).isZero();
        assertThat(port.rxQueue(0).irqEnabled()).isTrue();
    }

    @Test
    void shouldNotAllocateFromTheWireThroughTheRingInterruptPollAndGroToTheStack() {
        final int arrive = loop.register((t, a, now) -> port.receive(frame(), now), "arrive");
        final long[] t = {0};
        AllocationMeter.assertNoAllocation("frame -> ring -> IRQ -> NAPI -> GRO -> stack", () -> {
            for (int i = 0; i < 4; i++) {
                t[0] += 700;
                loop.schedule(t[0], arrive, 0, 0);
            }
            loop.runUntil(t[0]);
        });
    }
}
