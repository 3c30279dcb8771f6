package io.pktsim.stack.driver;

import java.nio.ByteOrder;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.header.PppoeView;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;
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
 * {@link io.pktsim.stack.napi.SoftnetCounter#PROCESSED} per packet the driver delivers (the backlog counts its own,
 * {@link #deliverFromBacklog}). Nothing allocates.
 *
 * <p>A PPPoE session frame ({@code ETH_P_PPP_SES}, a download through a PPPoE dial) takes the kernel's two passes:
 * on eth0, {@code __netif_receive_skb_core()} hands it to {@code pppoe_rcv()}, which strips the PPPoE header
 * ({@code pppoe_rcv_core()}) and gives the packet to the ppp channel ({@code ppp_input()},
 * {@code ppp_receive_nonmp_frame()}), which ends in {@code netif_rx()} (drivers/net/ppp/ppp_generic.c, 6.18): the
 * packet, now a raw IP packet of the ppp device, is queued to this CPU's backlog ({@code enqueue_to_backlog()}) and
 * comes back through the backlog NAPI ({@code process_backlog()}) for its second pass, {@code ip_rcv()} and the
 * forward. The first pass costs {@link CostStage#NETIF_RECEIVE} and {@link CostStage#PPPOE}; each pass counts as
 * processed.
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
        softnet.softnet(cpu.id()).countProcessed();
        receive(handle, nowNs);
    }

    /**
     * A packet the backlog NAPI hands up ({@code process_backlog()}, which counts it as processed itself): the same
     * as {@link #deliver} without the count.
     *
     * @param handle the packet
     * @param nowNs the simulated time, ns
     */
    public void deliverFromBacklog(final int handle, final long nowNs) {
        receive(handle, nowNs);
    }

    /** {@code __netif_receive_skb_core()} onwards, on the CPU {@link #cpu(HardwareThread)} named. */
    private void receive(final int handle, final long nowNs) {
        final HardwareThread t = cpu;
        final CostTable c = costs;
        final int len = store.length(handle);
        t.charge(stage[CostStage.NETIF_RECEIVE.ordinal()], c.packetCycles(CostStage.NETIF_RECEIVE, len));
        if (isPppoeSession(handle)) {
            pppoeReceive(handle, t, len, nowNs);
            return;
        }
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
        if (store.hasFlag(handle, PacketStore.FLAG_RAW_IP)) {
            ethernetHeader(handle);
        }
        if (tx != null) {
            tx.transmit(handle, nowNs);
            return;
        }
        t.charge(stage[CostStage.TX_COMPLETION.ordinal()], c.packetCycles(CostStage.TX_COMPLETION, len));
        store.free(handle);
    }

    /** Whether a packet is a PPPoE session frame on eth0 (not yet the ppp device's raw IP packet). */
    private boolean isPppoeSession(final int h) {
        final PacketStore s = store;
        return !s.hasFlag(h, PacketStore.FLAG_RAW_IP) && s.storedLength(h) >= EthernetView.LENGTH + PppoeView.LENGTH
            && (s.buffer().getShort(s.frameOffset(h) + EthernetView.ETHERTYPE_OFFSET, ByteOrder.BIG_ENDIAN)
                & 0xFFFF) == EthernetView.ETHERTYPE_PPPOE_SESSION;
    }

    /**
     * {@code pppoe_rcv()} to {@code netif_rx()} (see the class comment): strips the Ethernet and PPPoE headers, makes
     * the packet the ppp device's raw IP packet (its IP length, which a GRO aggregate's completion wrote) and queues
     * it to this CPU's backlog; a full backlog drops it.
     */
    private void pppoeReceive(final int h, final HardwareThread t, final int len, final long nowNs) {
        t.charge(stage[CostStage.PPPOE.ordinal()], costs.packetCycles(CostStage.PPPOE, len));
        final PacketStore s = store;
        final MutableDirectBuffer b = s.buffer();
        final int pppoe = s.frameOffset(h) + EthernetView.LENGTH;
        final int ip = pppoe + PppoeView.LENGTH;
        final int ppp = b.getShort(pppoe + PppoeView.PPP_PROTOCOL_OFFSET, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final boolean v6 = ppp == PppoeView.PPP_IPV6;
        final int ipLength = v6 ? Ipv6View.LENGTH + (b.getShort(ip + 4, ByteOrder.BIG_ENDIAN) & 0xFFFF)
            : b.getShort(ip + 2, ByteOrder.BIG_ENDIAN) & 0xFFFF;
        s.decapsulated(h, EthernetView.LENGTH + PppoeView.LENGTH, ipLength,
            v6 ? EthernetView.ETHERTYPE_IPV6 : EthernetView.ETHERTYPE_IPV4, PacketStore.FLAG_RAW_IP,
            s.ingressDevice(h));
        counters.increment(PathCounter.PPPOE_RECEIVED);
        if (!softnet.enqueueToBacklog(t.id(), t.id(), h, nowNs)) {
            counters.increment(PathCounter.PPPOE_BACKLOG_DROPPED);
            store.free(h);
        }
    }

    /**
     * The forward's {@code neigh_output()} of a ppp device's raw IP packet: an Ethernet header in front of it (the
     * Ethernet addresses of the frame it came in, which {@link #pppoeReceive} left 8 bytes before it).
     */
    private void ethernetHeader(final int h) {
        final PacketStore s = store;
        final boolean v6 = s.protocol(h) == EthernetView.ETHERTYPE_IPV6;
        if (!s.push(h, EthernetView.LENGTH)) {
            return;
        }
        final MutableDirectBuffer b = s.buffer();
        final int f = s.frameOffset(h);
        final long macs = b.getLong(f - PppoeView.LENGTH);
        final int macsTail = b.getInt(f - PppoeView.LENGTH + 8);
        b.putLong(f, macs);
        b.putInt(f + 8, macsTail);
        b.putShort(f + EthernetView.ETHERTYPE_OFFSET,
            (short) (v6 ? EthernetView.ETHERTYPE_IPV6 : EthernetView.ETHERTYPE_IPV4), ByteOrder.BIG_ENDIAN);
        s.clearFlag(h, PacketStore.FLAG_RAW_IP);
    }

    /** @return the counters */
    public Counters<PathCounter> counters() {
        return counters;
    }
}
