package io.pktsim.nic.irq;

import io.pktsim.core.trace.TraceEvent;
import io.pktsim.nic.trace.NicTrace;

/**
 * One interrupt line from a device to the CPU: one shared line for every queue of the MT7621 frame engine
 * ({@code MTK_SHARED_INT}, drivers/net/ethernet/mediatek/mtk_eth_soc.h, 6.18) or one per queue (MSI-X).
 *
 * <p>{@link #raise(long, int)} delivers to the {@link IrqHandler} at once unless the line is masked
 * ({@code disable_irq()}); a raise while masked is remembered and delivered by {@link #unmask(long)}, once
 * however many raises were held. Counts what it delivers and what it held. Nothing allocates.
 */
public final class InterruptLine {

    private final int id;
    private final String name;
    private final NicTrace trace;
    private final int component;
    private IrqHandler handler;
    private boolean masked;
    private boolean pending;
    private int pendingQueue;
    private int pendingFrames;
    private long raised;
    private long heldWhileMasked;

    /**
     * Creates an unmasked line with no handler.
     *
     * @param id the line's id (as an IRQ number)
     * @param name its name, e.g. {@code "mtk_eth"}
     */
    public InterruptLine(final int id, final String name) {
        this(id, name, NicTrace.disabled());
    }

    /**
     * Creates an unmasked line with no handler.
     *
     * @param id the line's id (as an IRQ number)
     * @param name its name, e.g. {@code "mtk_eth"}
     * @param trace where trace events go
     */
    public InterruptLine(final int id, final String name, final NicTrace trace) {
        this.id = id;
        this.name = name;
        this.trace = trace;
        this.component = trace.component(name);
    }

    /** @return the id */
    public int id() {
        return id;
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /**
     * Installs the hard-IRQ handler ({@code request_irq()}).
     *
     * @param h the handler
     */
    public void handler(final IrqHandler h) {
        this.handler = h;
    }

    /** @return the handler, or null */
    public IrqHandler handler() {
        return handler;
    }

    /**
     * A source on this line asserts it (no queue named).
     *
     * @param nowNs the time, in nanoseconds
     * @return true if delivered now, false if held by the mask
     */
    public boolean raise(final long nowNs) {
        return raise(nowNs, -1, 0, false);
    }

    /**
     * A source on this line asserts it.
     *
     * @param nowNs the time, in nanoseconds
     * @param queue the queue that asserted (for traces), -1 for none
     * @return true if delivered now, false if held by the mask
     */
    public boolean raise(final long nowNs, final int queue) {
        return raise(nowNs, queue, 0, false);
    }

    /**
     * A source on this line asserts it, saying why (for traces).
     *
     * @param nowNs the time, in nanoseconds
     * @param queue the queue that asserted, -1 for none
     * @param frames completions signalled
     * @param byTimer true if a coalescing timer caused it
     * @return true if delivered now, false if held by the mask
     */
    public boolean raise(final long nowNs, final int queue, final int frames, final boolean byTimer) {
        if (masked) {
            pending = true;
            pendingQueue = queue;
            pendingFrames = frames;
            heldWhileMasked++;
            if (trace.enabled()) {
                trace.bus().publish(nowNs, component, trace.irqHeldMasked(), TraceEvent.NO_PACKET, id, queue);
            }
            return false;
        }
        deliver(nowNs, queue, frames, byTimer);
        return true;
    }

    private void deliver(final long nowNs, final int queue, final int frames, final boolean byTimer) {
        raised++;
        if (trace.enabled()) {
            trace.bus().publish(nowNs, component, trace.irqRaise(), TraceEvent.NO_PACKET, id, queue, frames,
                byTimer ? 1 : 0);
        }
        final IrqHandler h = handler;
        if (h != null) {
            h.onIrq(id, nowNs);
        }
    }

    /** Masks the line ({@code disable_irq_nosync()}): raises are held. */
    public void mask() {
        masked = true;
    }

    /**
     * Unmasks the line ({@code enable_irq()}); a raise held while masked is delivered now.
     *
     * @param nowNs the time, in nanoseconds
     * @return true if a held interrupt was delivered
     */
    public boolean unmask(final long nowNs) {
        masked = false;
        if (pending) {
            pending = false;
            deliver(nowNs, pendingQueue, pendingFrames, false);
            return true;
        }
        return false;
    }

    /** @return true while masked */
    public boolean masked() {
        return masked;
    }

    /** @return true if a raise is held by the mask */
    public boolean pending() {
        return pending;
    }

    /** @return interrupts delivered to the handler */
    public long raisedCount() {
        return raised;
    }

    /** @return raises that found the line masked */
    public long heldWhileMaskedCount() {
        return heldWhileMasked;
    }

    @Override
    public String toString() {
        return "InterruptLine[" + id + " " + name + (masked ? ", masked" : "") + ", raised " + raised + "]";
    }
}
