package io.pktsim.stack.driver;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.gro.GroDeliverySink;
import io.pktsim.stack.gro.GroReason;
import io.pktsim.stack.napi.Softnet;
import io.pktsim.stack.profile.CostStage;
import io.pktsim.stack.profile.CostTable;

/**
 * The stack above GRO for the calibration paths of router-facts.md section 12, priced by a {@link CostTable}:
 * {@code __netif_receive_skb()} and {@code ip_rcv()} ({@link CostStage#NETIF_RECEIVE}), then either the iptables
 * raw table dropping the packet ({@link CostStage#RAW_DROP}) or IPv4 forwarding on a single route
 * ({@link CostStage#FIB}, {@link CostStage#FORWARD}, {@link CostStage#DRIVER_TX}) with its TX completion
 * ({@link CostStage#TX_COMPLETION}) charged at once when no {@link TxOutput} takes the packet. Charges the CPU
 * the driver named with {@link #cpu(HardwareThread)} (the CPU polling). Counts
 * {@link io.pktsim.stack.napi.SoftnetCounter#PROCESSED} per packet. Nothing allocates.
 */
public final class PacketPath implements GroDeliverySink {

    /** What the stack does with each packet. */
    public enum Mode {
        /** Forward on a single route (FIB, forward, driver TX, TX completion). */
        FORWARD,
        /** Drop in the iptables raw table. */
        RAW_DROP
    }

    /** Where a forwarded packet goes to be transmitted (a NIC TX ring); it owns the packet then. */
    @FunctionalInterface
    public interface TxOutput {
        /**
         * Transmits a packet.
         *
         * @param packet the packet
         * @param nowNs the simulated time, ns
         */
        void transmit(int packet, long nowNs);
    }

    private final Softnet softnet;
    private final CostTable costs;
    private final int[] stage;
    private final PacketStore store;
    private final Mode mode;
    private final TxOutput tx;
    private final Counters<PathCounter> counters = new Counters<>(PathCounter.class);
    private HardwareThread cpu;

    /**
     * Creates the path.
     *
     * @param softnet the softnet (for the per-CPU {@code processed} counter)
     * @param costs the cost table
     * @param stageIds CPU stage ids per cost stage ({@link CostStage#registerAll})
     * @param store the packet store (dropped and completed packets are freed)
     * @param mode forward or raw drop
     * @param tx where forwarded packets go; null to complete them at once (TX completion charged here)
     */
    public PacketPath(final Softnet softnet, final CostTable costs, final int[] stageIds, final PacketStore store,
        final Mode mode, final TxOutput tx) {
        this.softnet = softnet;
        this.costs = costs;
        this.stage = stageIds.clone();
        this.store = store;
        this.mode = mode;
        this.tx = tx;
    }

    /**
     * Names the CPU the following packets run on (the driver's poll sets it).
     *
     * @param thread the CPU
     */
    public void cpu(final HardwareThread thread) {
        this.cpu = thread;
    }

    @Override
    public void deliver(final int handle, final GroReason reason, final long nowNs) {
        final HardwareThread t = cpu;
        final CostTable c = costs;
        final int len = store.length(handle);
        softnet.softnet(t.id()).countProcessed();
        t.charge(stage[CostStage.NETIF_RECEIVE.ordinal()], c.packetCycles(CostStage.NETIF_RECEIVE, len));
        if (mode == Mode.RAW_DROP) {
            t.charge(stage[CostStage.RAW_DROP.ordinal()], c.packetCycles(CostStage.RAW_DROP, len));
            counters.increment(PathCounter.RAW_DROPPED);
            store.free(handle);
            return;
        }
        t.charge(stage[CostStage.FIB.ordinal()], c.packetCycles(CostStage.FIB, len));
        t.charge(stage[CostStage.FORWARD.ordinal()], c.packetCycles(CostStage.FORWARD, len));
        t.charge(stage[CostStage.DRIVER_TX.ordinal()], c.packetCycles(CostStage.DRIVER_TX, len));
        counters.increment(PathCounter.FORWARDED);
        if (tx != null) {
            tx.transmit(handle, nowNs);
            return;
        }
        t.charge(stage[CostStage.TX_COMPLETION.ordinal()], c.packetCycles(CostStage.TX_COMPLETION, len));
        store.free(handle);
    }

    /** @return the counters */
    public Counters<PathCounter> counters() {
        return counters;
    }
}
