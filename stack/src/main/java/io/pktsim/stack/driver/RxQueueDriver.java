package io.pktsim.stack.driver;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.cpu.HardIrqHandler;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.cpu.StepEndHook;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.irq.IrqHandler;
import io.pktsim.nic.port.RxQueue;
import io.pktsim.nic.ring.RxFrameHandler;
import io.pktsim.stack.gro.GroReason;
import io.pktsim.stack.gro.GroTable;
import io.pktsim.stack.napi.NapiInstance;
import io.pktsim.stack.napi.NapiPoll;
import io.pktsim.stack.napi.Softnet;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;

/**
 * The RX half of a driver in the manner of mtk_eth_soc (drivers/net/ethernet/mediatek/mtk_eth_soc.c, Linux 6.18)
 * over one {@link RxQueue} of the NIC model:
 * <ul>
 *   <li>the interrupt ({@code mtk_handle_irq_rx()}): taken as a hard IRQ on the queue's CPU, charges
 *   {@link CostStage#HARD_IRQ} per interrupt, disables the queue's source ({@code mtk_rx_irq_disable()}) and
 *   schedules the RX NAPI instance;</li>
 *   <li>the poll ({@code mtk_napi_rx()}): takes frames from the ring up to the budget, looping while the RX-done
 *   status is set again, charges {@link CostStage#DRIVER_RX} (and {@link CostStage#GRO}) per frame and hands each
 *   to GRO ({@code napi_gro_receive()}), whose deliveries go up the {@link PacketPath}; with less than the budget
 *   done it calls {@code napi_complete_done()} and, only if that returns true, re-enables the source when the
 *   poll's cycles have run ({@link HardwareThread#atStepEnd}), so that frames landing meanwhile wait for it.</li>
 * </ul>
 * Counters: {@link DriverCounter}. Nothing allocates per frame.
 */
public final class RxQueueDriver implements NapiPoll, IrqHandler, HardIrqHandler, RxFrameHandler, StepEndHook {

    private final RxQueue queue;
    private final HardwareThread cpu;
    private final Softnet softnet;
    private final NapiInstance napi;
    private final GroTable gro;
    private final PacketPath path;
    private final PacketStore store;
    private final CostTable costs;
    private final int stageIrq;
    private final int stageRx;
    private final int stageGro;
    private final int traceComponent;
    private final Counters<DriverCounter> counters = new Counters<>(DriverCounter.class);
    private long pollNowNs;

    /**
     * Builds the driver, registers its NAPI instance and installs its interrupt handler on the queue's line.
     *
     * @param name the NAPI instance's name, e.g. {@code "mtk_eth/rx0"}
     * @param queue the NIC queue
     * @param cpu the CPU its interrupt is affine to
     * @param softnet the softnet
     * @param weight the NAPI weight
     * @param gro the instance's GRO (delivering to {@code path}), or null to pass frames up directly
     * @param path the stack above GRO
     * @param store the packet store
     * @param costs the cost table
     * @param stageIds CPU stage ids per cost stage ({@link CostStage#registerAll})
     */
    public RxQueueDriver(final String name, final RxQueue queue, final HardwareThread cpu, final Softnet softnet,
        final int weight, final GroTable gro, final PacketPath path, final PacketStore store, final CostTable costs,
        final int[] stageIds) {
        this.queue = queue;
        this.cpu = cpu;
        this.softnet = softnet;
        this.gro = gro;
        this.path = path;
        this.store = store;
        this.costs = costs;
        this.stageIrq = stageIds[CostStage.HARD_IRQ.ordinal()];
        this.stageRx = stageIds[CostStage.DRIVER_RX.ordinal()];
        this.stageGro = stageIds[CostStage.GRO.ordinal()];
        this.napi = softnet.addNapi(name, cpu.id(), weight, this, gro);
        this.traceComponent = napi.traceComponent();
        queue.irq().handler(this);
    }

    /** The NIC raised the line: the CPU takes a hard interrupt if this queue's source is enabled and asserted. */
    @Override
    public void onIrq(final int line, final long nowNs) {
        if (queue.irqEnabled() && queue.irqAsserted()) {
            cpu.hardIrq(this, line, nowNs);
        }
    }

    /** {@code mtk_handle_irq_rx()}: disable the source, schedule NAPI. */
    @Override
    public void onHardIrq(final HardwareThread thread, final int line, final long nowNs) {
        counters.increment(DriverCounter.IRQS);
        thread.charge(stageIrq, costs.perEvent(CostStage.HARD_IRQ));
        softnet.traceIrq(traceComponent, line, thread.id(), nowNs);
        queue.irqDisable();
        napi.napiSchedule(nowNs);
    }

    /** {@code mtk_napi_rx()}. */
    @Override
    public int poll(final NapiInstance n, final int budget, final long nowNs) {
        pollNowNs = nowNs;
        path.cpu(cpu);
        int done = 0;
        do {
            done += queue.poll(budget - done, this);
            if (done == budget) {
                return budget;
            }
        } while (queue.irqAsserted());
        counters.increment(DriverCounter.SHORT_POLLS);
        if (n.napiCompleteDone(done, nowNs)) {
            // mtk_rx_irq_enable() runs when the poll's work is done: at the end of this step
            cpu.atStepEnd(this, 0);
        }
        return done;
    }

    /** {@code mtk_rx_irq_enable()} at the end of the poll: a source asserted meanwhile fires now. */
    @Override
    public void onStepEnd(final HardwareThread thread, final int arg, final long nowNs) {
        counters.increment(DriverCounter.IRQ_ENABLES);
        softnet.traceIrqEnable(traceComponent, queue.irq().id(), nowNs);
        queue.irqEnable(nowNs);
    }

    /** {@code mtk_poll_rx()}'s per-descriptor work, then {@code napi_gro_receive()}. */
    @Override
    public void onFrame(final int packet, final long arrivalNs, final int slot) {
        final int len = store.length(packet);
        counters.increment(DriverCounter.FRAMES);
        cpu.charge(stageRx, costs.packetCycles(CostStage.DRIVER_RX, len));
        if (gro != null) {
            cpu.charge(stageGro, costs.packetCycles(CostStage.GRO, len));
            gro.receive(packet, pollNowNs);
        } else {
            path.deliver(packet, GroReason.GRO_DISABLED, pollNowNs);
        }
    }

    /** @return the NAPI instance */
    public NapiInstance napi() {
        return napi;
    }

    /** @return the counters */
    public Counters<DriverCounter> counters() {
        return counters;
    }
}
