package io.pktsim.nic.port;

import io.pktsim.nic.irq.RxCoalescing;
import io.pktsim.nic.link.Link;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.nic.ring.RxRing;
import io.pktsim.nic.ring.TxRing;

/**
 * The settings of a {@link NicPort}, validated when the port is built. Defaults are the MT7621 frame engine
 * under Linux up to 5.12 (router-facts.md §5, T9): one RX queue of {@link RxRing#MTK_DMA_SIZE_LEGACY}
 * descriptors, a QDMA TX ring of {@link TxRing#MTK_QDMA_RING_SIZE}, one shared interrupt line, coalescing
 * 4 frames / 80 us in 20 us units, gigabit link, RX checksum on.
 */
public final class NicPortConfig {

    private int rxQueues = 1;
    private int rxRingSlots = RxRing.MTK_DMA_SIZE_LEGACY;
    private int txRingSlots = TxRing.MTK_QDMA_RING_SIZE;
    private int txStopThresholdSlots = TxRing.DEFAULT_STOP_THRESHOLD_SLOTS;
    private int txWakeThresholdSlots = TxRing.DEFAULT_STOP_THRESHOLD_SLOTS;
    private boolean sharedIrq = true;
    private int irqBase;
    private long rxUsecs = RxCoalescing.MTK_DEFAULT_RX_USECS;
    private int rxFrames = RxCoalescing.MTK_PDMA_DELAY_RX_PINT;
    private long coalescingUnitNs = RxCoalescing.MTK_PDMA_DELAY_UNIT_NS;
    private int coalescingMaxFrames = RxCoalescing.MTK_PDMA_DELAY_PINT_MASK;
    private boolean adaptiveRx;
    private long dmaFixedNs;
    private long dmaPsPerByte;
    private long rateBps = Link.GIGABIT_BPS;
    private long propagationDelayNs;
    private boolean rxHash = true;
    private boolean rssUdpPorts;
    private boolean txAutoReclaim = true;
    private OffloadFeatures features = new OffloadFeatures();

    /** @return the defaults (MT7621, Linux up to 5.12) */
    public static NicPortConfig mt7621Legacy() {
        return new NicPortConfig();
    }

    /** @return MT7621 under Linux 5.13+: 512-descriptor RX ring, DIM on */
    public static NicPortConfig mt7621() {
        return new NicPortConfig().rxRingSlots(RxRing.MTK_DMA_SIZE).adaptiveRx(true);
    }

    /** @return no coalescing ({@code rx-usecs 0 rx-frames 1}): one interrupt per frame */
    public NicPortConfig noCoalescing() {
        rxUsecs = 0;
        rxFrames = 1;
        return this;
    }

    /**
     * @param n RX queues, at least 1
     * @return this
     */
    public NicPortConfig rxQueues(final int n) {
        rxQueues = n;
        return this;
    }

    /** @return RX queues */
    public int rxQueues() {
        return rxQueues;
    }

    /**
     * @param slots RX ring descriptors per queue, a power of two
     * @return this
     */
    public NicPortConfig rxRingSlots(final int slots) {
        rxRingSlots = slots;
        return this;
    }

    /** @return RX ring descriptors per queue */
    public int rxRingSlots() {
        return rxRingSlots;
    }

    /**
     * @param slots TX ring descriptors, a power of two
     * @return this
     */
    public NicPortConfig txRingSlots(final int slots) {
        txRingSlots = slots;
        return this;
    }

    /** @return TX ring descriptors */
    public int txRingSlots() {
        return txRingSlots;
    }

    /**
     * @param stop the TX queue stops below this many free descriptors
     * @param wake a stopped TX queue wakes at this many free descriptors
     * @return this
     */
    public NicPortConfig txThresholds(final int stop, final int wake) {
        txStopThresholdSlots = stop;
        txWakeThresholdSlots = wake;
        return this;
    }

    /** @return the TX stop threshold, in free descriptors */
    public int txStopThresholdSlots() {
        return txStopThresholdSlots;
    }

    /** @return the TX wake threshold, in free descriptors */
    public int txWakeThresholdSlots() {
        return txWakeThresholdSlots;
    }

    /**
     * @param shared one interrupt line for every queue (MT7621 {@code MTK_SHARED_INT}) or one per queue
     * @return this
     */
    public NicPortConfig sharedIrq(final boolean shared) {
        sharedIrq = shared;
        return this;
    }

    /** @return true for one shared line */
    public boolean sharedIrq() {
        return sharedIrq;
    }

    /**
     * @param id the id of the first interrupt line
     * @return this
     */
    public NicPortConfig irqBase(final int id) {
        irqBase = id;
        return this;
    }

    /** @return the id of the first interrupt line */
    public int irqBase() {
        return irqBase;
    }

    /**
     * {@code ethtool -C rx-usecs N rx-frames M}.
     *
     * @param usecs rx-usecs
     * @param frames rx-frames
     * @return this
     */
    public NicPortConfig coalescing(final long usecs, final int frames) {
        rxUsecs = usecs;
        rxFrames = frames;
        return this;
    }

    /** @return rx-usecs */
    public long rxUsecs() {
        return rxUsecs;
    }

    /** @return rx-frames */
    public int rxFrames() {
        return rxFrames;
    }

    /**
     * @param unitNs the coalescing hardware time unit, in nanoseconds (0 = exact)
     * @param maxFrames the hardware's frame-count cap (0 = none)
     * @return this
     */
    public NicPortConfig coalescingHardware(final long unitNs, final int maxFrames) {
        coalescingUnitNs = unitNs;
        coalescingMaxFrames = maxFrames;
        return this;
    }

    /** @return the coalescing time unit, in nanoseconds */
    public long coalescingUnitNs() {
        return coalescingUnitNs;
    }

    /** @return the coalescing frame cap */
    public int coalescingMaxFrames() {
        return coalescingMaxFrames;
    }

    /**
     * @param on {@code ethtool -C adaptive-rx on}: DIM picks the coalescing
     * @return this
     */
    public NicPortConfig adaptiveRx(final boolean on) {
        adaptiveRx = on;
        return this;
    }

    /** @return adaptive-rx */
    public boolean adaptiveRx() {
        return adaptiveRx;
    }

    /**
     * @param fixedNs DMA time per frame, in nanoseconds
     * @param psPerByte DMA time per byte, in picoseconds
     * @return this
     */
    public NicPortConfig dma(final long fixedNs, final long psPerByte) {
        dmaFixedNs = fixedNs;
        dmaPsPerByte = psPerByte;
        return this;
    }

    /** @return DMA time per frame, in nanoseconds */
    public long dmaFixedNs() {
        return dmaFixedNs;
    }

    /** @return DMA time per byte, in picoseconds */
    public long dmaPsPerByte() {
        return dmaPsPerByte;
    }

    /**
     * @param bps the link rate, in bits/s
     * @param propagationNs the propagation delay, in nanoseconds
     * @return this
     */
    public NicPortConfig link(final long bps, final long propagationNs) {
        rateBps = bps;
        propagationDelayNs = propagationNs;
        return this;
    }

    /** @return the link rate, in bits/s */
    public long rateBps() {
        return rateBps;
    }

    /** @return the propagation delay, in nanoseconds */
    public long propagationDelayNs() {
        return propagationDelayNs;
    }

    /**
     * @param on compute the RSS hash and store it in the packet ({@code rxhash})
     * @param udpPorts hash UDP ports too
     * @return this
     */
    public NicPortConfig rxHash(final boolean on, final boolean udpPorts) {
        rxHash = on;
        rssUdpPorts = udpPorts;
        return this;
    }

    /** @return rxhash */
    public boolean rxHash() {
        return rxHash;
    }

    /** @return whether UDP ports are hashed */
    public boolean rssUdpPorts() {
        return rssUdpPorts;
    }

    /**
     * @param auto free TX descriptors as soon as the frame has left (true), or leave them for a TX NAPI poll
     *     ({@link NicPort#txReclaim(int, long)}) after a TX interrupt (false)
     * @return this
     */
    public NicPortConfig txAutoReclaim(final boolean auto) {
        txAutoReclaim = auto;
        return this;
    }

    /** @return whether TX completion frees descriptors at once */
    public boolean txAutoReclaim() {
        return txAutoReclaim;
    }

    /**
     * @param f the offload features (shared with the net device)
     * @return this
     */
    public NicPortConfig features(final OffloadFeatures f) {
        features = f;
        return this;
    }

    /** @return the offload features */
    public OffloadFeatures features() {
        return features;
    }
}
