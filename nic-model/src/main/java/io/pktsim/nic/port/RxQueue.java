package io.pktsim.nic.port;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.nic.irq.CoalescedIrqSink;
import io.pktsim.nic.irq.Dim;
import io.pktsim.nic.irq.InterruptLine;
import io.pktsim.nic.irq.RxCoalescing;
import io.pktsim.nic.ring.RxFrameHandler;
import io.pktsim.nic.ring.RxRing;
import io.pktsim.nic.trace.NicTrace;

/**
 * One RX queue of a {@link NicPort}: its {@link RxRing}, its {@link RxCoalescing} (and {@link Dim} when
 * adaptive), and its interrupt source on an {@link InterruptLine} (its own or the port's shared one).
 *
 * <p>The source has a status bit and an enable bit, as the frame engine's {@code MTK_RX_DONE_INT} in the
 * PDMA interrupt status and mask registers: coalescing sets the status and, if the source is enabled,
 * raises the line; with the source disabled ({@link #irqDisable()}, {@code mtk_rx_irq_disable()} while
 * NAPI runs) the status stays set and {@link #irqEnable(long)} ({@code mtk_rx_irq_enable()} after
 * {@code napi_complete_done()}) raises the line at once. {@link #poll(int, RxFrameHandler)} first acknowledges
 * the status, as {@code mtk_napi_rx()} writes the status register before each {@code mtk_poll_rx()}; a caller
 * that loops like {@code mtk_napi_rx()} checks {@link #irqAsserted()} after the poll. Nothing allocates.
 */
public final class RxQueue implements CoalescedIrqSink {

    private final int index;
    private final String name;
    private final RxRing ring;
    private final InterruptLine line;
    private final RxCoalescing coalescing;
    private final Dim dim;
    private final EventLoop loop;
    private final PacketStore store;
    private final Counters<PortCounter> counters;
    private final NicTrace trace;
    private final int component;
    private final CountingHandler counting = new CountingHandler();

    private boolean sourceEnabled = true;
    private boolean statusAsserted;
    private long lastLandNs = Long.MIN_VALUE;
    private long events;
    private long packets;
    private long bytes;
    private long drops;

    RxQueue(final int index, final String name, final NicPortConfig config, final InterruptLine line,
        final EventLoop loop, final PacketStore store, final Counters<PortCounter> counters, final NicTrace trace) {
        this.index = index;
        this.name = name;
        this.ring = new RxRing(name, config.rxRingSlots());
        this.line = line;
        this.loop = loop;
        this.store = store;
        this.counters = counters;
        this.trace = trace;
        this.component = trace.component(name);
        this.coalescing = new RxCoalescing(name, index, loop, this, trace)
            .hardwareUnitNs(config.coalescingUnitNs())
            .maxFrames(config.coalescingMaxFrames())
            .set(config.rxUsecs(), config.rxFrames());
        // mtk_eth_soc (the PDMA delay register's coalescing hardware) keeps its rx_dim in zeroed memory: profile 0,
        // parked; a driver that starts from NET_DIM_DEF_PROFILE_EQE starts at profile 1
        this.dim = !config.adaptiveRx() ? null : config.coalescingUnitNs() > 0 ? Dim.zeroed() : new Dim();
        if (dim != null) {
            coalescing.set(dim.usec(), dim.pkts());
        }
    }

    /** @return the queue index */
    public int index() {
        return index;
    }

    /** @return the name, e.g. {@code "eth0-rx0"} */
    public String name() {
        return name;
    }

    /** @return the RX ring */
    public RxRing ring() {
        return ring;
    }

    /** @return the interrupt line this queue asserts (shared or its own) */
    public InterruptLine irq() {
        return line;
    }

    /** @return the coalescing */
    public RxCoalescing coalescing() {
        return coalescing;
    }

    /** @return the DIM state, or null when adaptive-rx is off */
    public Dim dim() {
        return dim;
    }

    /**
     * A frame's DMA completed: it lands in the ring (and coalescing counts it) or is dropped and freed.
     *
     * @param packet the packet
     * @param nowNs the time, in nanoseconds
     * @return true if it landed
     */
    boolean land(final int packet, final long nowNs) {
        final RxRing r = ring;
        if (!r.offer(packet, nowNs)) {
            drops++;
            counters.increment(PortCounter.RX_FIFO_ERRORS);
            if (trace.enabled()) {
                trace.bus().publish(nowNs, component, trace.rxRingFull(), packet, index, r.occupancy(),
                    r.sizeSlots(), 0);
            }
            store.free(packet);
            return false;
        }
        if (trace.enabled()) {
            trace.bus().publish(nowNs, component, trace.rxRingLand(), packet, index, r.lastSlot(), r.occupancy(),
                r.sizeSlots());
        }
        coalescing.onCompletion(nowNs);
        return true;
    }

    /**
     * The time the last frame of this queue lands (DMA keeps frames in order).
     *
     * @param wantNs when this frame's DMA would end
     * @return the landing time: not before the previous frame's
     */
    long landTime(final long wantNs) {
        final long t = Math.max(wantNs, lastLandNs);
        lastLandNs = t;
        return t;
    }

    @Override
    public void onCoalescedIrq(final long nowNs, final int frames, final boolean byTimer) {
        statusAsserted = true;
        counters.increment(PortCounter.RX_IRQ_ASSERTED);
        if (!sourceEnabled) {
            counters.increment(PortCounter.RX_IRQ_HELD);
            if (trace.enabled()) {
                trace.bus().publish(nowNs, component, trace.irqHeldMasked(), TraceEvent.NO_PACKET, line.id(),
                    index, frames, byTimer ? 1 : 0);
            }
            return;
        }
        events++;
        counters.increment(PortCounter.RX_IRQ_RAISED);
        line.raise(nowNs, index, frames, byTimer);
    }

    /**
     * The NAPI poll takes up to {@code budget} frames ({@code mtk_poll_rx()}); acknowledges the interrupt
     * status first; counts rx_packets and rx_bytes; feeds DIM when adaptive.
     *
     * @param budget the most frames
     * @param handler receives each frame
     * @return frames handed over, at most {@code budget}
     */
    public int poll(final int budget, final RxFrameHandler handler) {
        statusAsserted = false;
        final CountingHandler c = counting;
        c.target = handler;
        c.bytes = 0;
        final int n = ring.poll(budget, c);
        c.target = null;
        packets += n;
        bytes += c.bytes;
        counters.add(PortCounter.RX_PACKETS, n);
        counters.add(PortCounter.RX_BYTES, c.bytes);
        if (dim != null && dim.sample(loop.nowNs(), events, packets, bytes)) {
            counters.increment(PortCounter.RX_DIM_CHANGES);
            coalescing.set(dim.usec(), dim.pkts());
        }
        return n;
    }

    /** Disables this queue's interrupt source ({@code mtk_rx_irq_disable()}); asserts are held. */
    public void irqDisable() {
        sourceEnabled = false;
    }

    /**
     * Enables this queue's interrupt source ({@code mtk_rx_irq_enable()}): if coalescing asserted while it
     * was disabled (or since the last acknowledgement), the line is raised now; frames still counting towards
     * coalescing assert when their count or timer says.
     *
     * @param nowNs the time, in nanoseconds
     */
    public void irqEnable(final long nowNs) {
        sourceEnabled = true;
        if (statusAsserted) {
            events++;
            counters.increment(PortCounter.RX_IRQ_RAISED);
            line.raise(nowNs, index, 0, false);
        }
    }

    /** @return true while the source is enabled */
    public boolean irqEnabled() {
        return sourceEnabled;
    }

    /** @return true if the interrupt status is set and not yet acknowledged by a poll */
    public boolean irqAsserted() {
        return statusAsserted;
    }

    /** @return true if frames wait in the ring */
    public boolean hasWork() {
        return ring.hasFrames();
    }

    /**
     * @return interrupts this queue raised on its line (DIM's event counter, as {@code eth->rx_events} counts
     *     {@code mtk_handle_irq_rx()} calls)
     */
    public long events() {
        return events;
    }

    /** @return frames polled */
    public long packets() {
        return packets;
    }

    /** @return bytes polled */
    public long bytes() {
        return bytes;
    }

    /** @return frames dropped for a full ring */
    public long drops() {
        return drops;
    }

    /** Counts the bytes of the polled frames, then hands them on; reused for every poll. */
    private final class CountingHandler implements RxFrameHandler {
        RxFrameHandler target;
        long bytes;

        @Override
        public void onFrame(final int packet, final long arrivalNs, final int slot) {
            bytes += store.length(packet);
            target.onFrame(packet, arrivalNs, slot);
        }
    }
}
