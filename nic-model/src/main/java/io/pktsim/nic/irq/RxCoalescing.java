package io.pktsim.nic.irq;

import io.pktsim.core.event.EventHandler;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.nic.trace.NicTrace;

/**
 * RX interrupt coalescing with ethtool -C semantics (include/uapi/linux/ethtool.h, struct ethtool_coalesce,
 * Linux 6.18): an interrupt is asserted when {@code rx-usecs} have passed since the first completion not yet
 * signalled, or when {@code rx-frames} completions have accumulated, whichever comes first.
 * {@code rx-usecs 0} with {@code rx-frames} 0 or 1 means no coalescing: one interrupt per completion.
 * {@code rx-usecs 0} with more frames waits for the count only; {@code rx-frames 0} with a time waits for the
 * timer only.
 *
 * <p>Hardware units: with {@link #hardwareUnitNs(long)} set, the delay is rounded up to whole units as the
 * MediaTek PDMA delay interrupt does (20 us units, microseconds divided by 20 rounded up, in
 * {@code mtk_dim_rx()}), and {@link #maxFrames(int)} caps the count ({@code MTK_PDMA_DELAY_PINT_MASK} 127).
 * Defaults of the mtk driver up to Linux 5.12: {@link #MTK_PDMA_DELAY_RX_PINT} frames and
 * {@link #MTK_PDMA_DELAY_RX_PTIME} units (4 frames / 80 us; router-facts.md §5, T9).
 *
 * <p>The timer is an {@link EventLoop} event, scheduled at the first unsignalled completion and cancelled when
 * the count fires first. Nothing allocates per completion.
 */
public final class RxCoalescing {

    /** {@code MTK_PDMA_DELAY_RX_PINT}: 4 frames per delayed interrupt (mtk_eth_soc.h, up to 5.12). */
    public static final int MTK_PDMA_DELAY_RX_PINT = 4;
    /** {@code MTK_PDMA_DELAY_RX_PTIME}: 4 time units of 20 us = 80 us (mtk_eth_soc.h, up to 5.12). */
    public static final int MTK_PDMA_DELAY_RX_PTIME = 4;
    /** The MediaTek PDMA delay-interrupt time unit, in nanoseconds (20 us). */
    public static final long MTK_PDMA_DELAY_UNIT_NS = 20_000L;
    /** {@code MTK_PDMA_DELAY_PINT_MASK}: the largest frame count the PDMA takes (0x7f). */
    public static final int MTK_PDMA_DELAY_PINT_MASK = 0x7f;
    /** {@code MTK_PDMA_DELAY_PTIME_MASK}: the largest time count the PDMA takes (0xff units). */
    public static final int MTK_PDMA_DELAY_PTIME_MASK = 0xff;
    /** The mtk default {@code rx-usecs}: 80 us. */
    public static final long MTK_DEFAULT_RX_USECS = MTK_PDMA_DELAY_RX_PTIME * MTK_PDMA_DELAY_UNIT_NS / 1000;

    private final String name;
    private final int queue;
    private final EventLoop loop;
    private final int timerKind;
    private final CoalescedIrqSink sink;
    private final NicTrace trace;
    private final int component;

    private long rxUsecs;
    private int rxFrames;
    private long hardwareUnitNs;
    private int maxFrames;
    private long delayNs;
    private int frameLimit;
    private boolean off;

    private int pending;
    private long timerId = EventLoop.NO_EVENT;
    private long interrupts;
    private long timerFired;
    private long countFired;

    /**
     * Creates coalescing with no coalescing set (one interrupt per completion).
     *
     * @param name a name, e.g. {@code "eth0-rx0"}
     * @param queue the queue index (for traces)
     * @param loop the event loop (its timer kind is registered here, once)
     * @param sink receives the interrupts
     * @param trace where trace events go
     */
    public RxCoalescing(final String name, final int queue, final EventLoop loop, final CoalescedIrqSink sink,
        final NicTrace trace) {
        this.name = name;
        this.queue = queue;
        this.loop = loop;
        this.sink = sink;
        this.trace = trace;
        this.component = trace.component(name);
        final EventHandler onTimer = (target, arg, nowNs) -> onTimer(nowNs);
        this.timerKind = loop.register(onTimer, name + ":rx-coalesce");
        apply(0, 1);
    }

    /**
     * Sets {@code ethtool -C rx-usecs N rx-frames M}. Pending completions keep their timer.
     *
     * @param usecs rx-usecs, at least 0
     * @param frames rx-frames, at least 0
     * @return this
     */
    public RxCoalescing set(final long usecs, final int frames) {
        if (usecs < 0 || frames < 0) {
            throw new IllegalArgumentException("RxCoalescing " + name + ": rx-usecs " + usecs + " and rx-frames "
                + frames + " must be at least 0");
        }
        apply(usecs, frames);
        return this;
    }

    /**
     * Sets the hardware time unit: delays are rounded up to whole units (0: exact microseconds).
     *
     * @param unitNs the unit, in nanoseconds (20,000 for the mtk PDMA), at least 0
     * @return this
     */
    public RxCoalescing hardwareUnitNs(final long unitNs) {
        if (unitNs < 0) {
            throw new IllegalArgumentException("RxCoalescing " + name + ": hardware unit " + unitNs + " ns < 0");
        }
        this.hardwareUnitNs = unitNs;
        apply(rxUsecs, rxFrames);
        return this;
    }

    /**
     * Caps the frame count the hardware takes (0: no cap).
     *
     * @param max the largest count, e.g. {@link #MTK_PDMA_DELAY_PINT_MASK}
     * @return this
     */
    public RxCoalescing maxFrames(final int max) {
        this.maxFrames = Math.max(0, max);
        apply(rxUsecs, rxFrames);
        return this;
    }

    /**
     * The mtk defaults up to Linux 5.12: 20 us units, 4 frames, 80 us, the PINT cap.
     *
     * @return this
     */
    public RxCoalescing mtkDefaults() {
        hardwareUnitNs = MTK_PDMA_DELAY_UNIT_NS;
        maxFrames = MTK_PDMA_DELAY_PINT_MASK;
        apply(MTK_DEFAULT_RX_USECS, MTK_PDMA_DELAY_RX_PINT);
        return this;
    }

    private void apply(final long usecs, final int frames) {
        rxUsecs = usecs;
        rxFrames = frames;
        final long ns = usecs * 1000L;
        final long unit = hardwareUnitNs;
        delayNs = unit > 0 ? (ns + unit - 1) / unit * unit : ns;
        frameLimit = maxFrames > 0 ? Math.min(frames, maxFrames) : frames;
        off = delayNs == 0 && frameLimit <= 1;
    }

    /**
     * A frame completed (its descriptor is written back): assert now, or count it and wait.
     *
     * @param nowNs the time, in nanoseconds
     * @return true if the interrupt was asserted by this completion
     */
    public boolean onCompletion(final long nowNs) {
        final int p = ++pending;
        if (off || (frameLimit > 0 && p >= frameLimit)) {
            fire(nowNs, false);
            return true;
        }
        if (p == 1 && delayNs > 0) {
            timerId = loop.schedule(nowNs + delayNs, timerKind, queue, 0);
        }
        if (trace.enabled()) {
            trace.bus().publish(nowNs, component, trace.irqHeldCoalescing(), TraceEvent.NO_PACKET, queue, p,
                frameLimit, delayNs);
        }
        return false;
    }

    private void onTimer(final long nowNs) {
        timerId = EventLoop.NO_EVENT;
        if (pending == 0) {
            return;
        }
        timerFired++;
        if (trace.enabled()) {
            trace.bus().publish(nowNs, component, trace.coalesceTimer(), TraceEvent.NO_PACKET, queue, pending,
                delayNs, 0);
        }
        fire(nowNs, true);
    }

    private void fire(final long nowNs, final boolean byTimer) {
        final int frames = pending;
        pending = 0;
        if (timerId != EventLoop.NO_EVENT) {
            loop.cancel(timerId);
            timerId = EventLoop.NO_EVENT;
        }
        interrupts++;
        if (!byTimer) {
            countFired++;
        }
        sink.onCoalescedIrq(nowNs, frames, byTimer);
    }

    /** @return rx-usecs as set */
    public long rxUsecs() {
        return rxUsecs;
    }

    /** @return rx-frames as set */
    public int rxFrames() {
        return rxFrames;
    }

    /** @return the effective delay after hardware rounding, in nanoseconds */
    public long delayNs() {
        return delayNs;
    }

    /** @return the effective frame count after the hardware cap */
    public int frameLimit() {
        return frameLimit;
    }

    /** @return true if every completion asserts at once */
    public boolean disabled() {
        return off;
    }

    /** @return completions not yet signalled */
    public int pending() {
        return pending;
    }

    /** @return true while the rx-usecs timer is armed */
    public boolean timerArmed() {
        return timerId != EventLoop.NO_EVENT;
    }

    /** @return interrupts asserted */
    public long interrupts() {
        return interrupts;
    }

    /** @return interrupts asserted by the timer */
    public long timerInterrupts() {
        return timerFired;
    }

    /** @return interrupts asserted by the frame count (or with no coalescing) */
    public long countInterrupts() {
        return countFired;
    }
}
