package io.pktsim.stack.driver;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.cpu.HardIrqHandler;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.cpu.StepEndHook;
import io.pktsim.nic.irq.IrqHandler;
import io.pktsim.nic.port.NicPort;
import io.pktsim.stack.napi.NapiInstance;
import io.pktsim.stack.napi.NapiPoll;
import io.pktsim.stack.napi.Softnet;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;

/**
 * The TX completion half of a driver in the manner of mtk_eth_soc ({@code mtk_napi_tx()} / {@code mtk_poll_tx()},
 * drivers/net/ethernet/mediatek/mtk_eth_soc.c, Linux 6.18): a NAPI instance of its own, separate from RX. The TX
 * interrupt disables the TX-done source and schedules it; its poll frees up to the budget of sent descriptors
 * ({@link NicPort#txReclaim(int, long)}; the port must not reclaim by itself), charging
 * {@link CostStage#TX_COMPLETION} per descriptor; with less than the budget done it completes and re-enables the
 * source when the poll's cycles have run, taking at once an interrupt for descriptors sent meanwhile.
 * Counters: {@link DriverCounter}.
 */
public final class TxNapiDriver implements NapiPoll, IrqHandler, HardIrqHandler, StepEndHook {

    private final NicPort port;
    private final HardwareThread cpu;
    private final Softnet softnet;
    private final NapiInstance napi;
    private final CostTable costs;
    private final int stageIrq;
    private final int stageTxDone;
    private final int line;
    private final Counters<DriverCounter> counters = new Counters<>(DriverCounter.class);
    private boolean sourceEnabled = true;

    /**
     * Builds the driver and registers its NAPI instance; install it as (or behind a {@link SharedIrq} on) the
     * port's TX interrupt line.
     *
     * @param name the instance's name, e.g. {@code "mtk_eth/tx"}
     * @param port the port whose TX ring it reclaims
     * @param cpu the CPU its interrupt is affine to
     * @param softnet the softnet
     * @param weight the NAPI weight
     * @param costs the cost table
     * @param stageIds CPU stage ids per cost stage
     */
    public TxNapiDriver(final String name, final NicPort port, final HardwareThread cpu, final Softnet softnet,
        final int weight, final CostTable costs, final int[] stageIds) {
        this.port = port;
        this.cpu = cpu;
        this.softnet = softnet;
        this.costs = costs;
        this.stageIrq = stageIds[CostStage.HARD_IRQ.ordinal()];
        this.stageTxDone = stageIds[CostStage.TX_COMPLETION.ordinal()];
        this.line = port.txIrqLine().id();
        this.napi = softnet.addNapi(name, cpu.id(), weight, this, null);
    }

    /** The line fired: take it if the TX-done source is enabled and descriptors were sent. */
    @Override
    public void onIrq(final int irqLine, final long nowNs) {
        if (sourceEnabled && port.txRing().sentSlots() > 0) {
            cpu.hardIrq(this, irqLine, nowNs);
        }
    }

    /** {@code mtk_handle_irq_tx()}: disable the TX-done source, schedule the TX NAPI. */
    @Override
    public void onHardIrq(final HardwareThread thread, final int irqLine, final long nowNs) {
        counters.increment(DriverCounter.IRQS);
        thread.charge(stageIrq, costs.perEvent(CostStage.HARD_IRQ));
        softnet.traceIrq(napi.traceComponent(), irqLine, thread.id(), nowNs);
        sourceEnabled = false;
        napi.napiSchedule(nowNs);
    }

    /** {@code mtk_napi_tx()}. */
    @Override
    public int poll(final NapiInstance n, final int budget, final long nowNs) {
        final int done = port.txReclaim(budget, nowNs);
        counters.add(DriverCounter.FRAMES, done);
        if (done > 0) {
            cpu.charge(stageTxDone, costs.perPacket(CostStage.TX_COMPLETION) * done);
        }
        if (done == budget) {
            return budget;
        }
        counters.increment(DriverCounter.SHORT_POLLS);
        if (n.napiCompleteDone(done, nowNs)) {
            cpu.atStepEnd(this, 0);
        }
        return done;
    }

    /** {@code mtk_tx_irq_enable()} at the end of the poll. */
    @Override
    public void onStepEnd(final HardwareThread thread, final int arg, final long nowNs) {
        counters.increment(DriverCounter.IRQ_ENABLES);
        softnet.traceIrqEnable(napi.traceComponent(), line, nowNs);
        sourceEnabled = true;
        if (port.txRing().sentSlots() > 0) {
            thread.hardIrq(this, line, nowNs);
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
