package io.pktsim.nic.port;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.event.EventHandler;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.irq.InterruptLine;
import io.pktsim.nic.link.Link;
import io.pktsim.nic.link.LinkDirection;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.nic.ring.TxCompletionHandler;
import io.pktsim.nic.ring.TxRing;
import io.pktsim.nic.rss.Rss;
import io.pktsim.nic.rss.RssIndirection;
import io.pktsim.core.hash.Toeplitz;
import io.pktsim.nic.trace.NicTrace;

/**
 * A NIC port: N {@link RxQueue}s behind RSS, a {@link TxRing} in front of its {@link Link}, interrupt lines,
 * offload features and ethtool -S style {@link PortCounter}s.
 *
 * <p>Receive ({@link #receive(int, long)}): a frame fully arrived from the wire is hashed (RSS, the hash and
 * its type stored in the packet), assigned a queue by the indirection table, marked
 * {@code CHECKSUM_UNNECESSARY} when rx-checksumming is on, and written by DMA, which takes
 * {@code dmaFixedNs + length * dmaPsPerByte / 1000} ns and keeps the queue's frames in order; then it lands
 * in the queue's ring (coalescing counts it) or, with no free descriptor, is dropped, counted in
 * {@link PortCounter#RX_FIFO_ERRORS} and freed.
 *
 * <p>Transmit ({@link #transmit(int, long)}): a descriptor is taken (or {@code NETDEV_TX_BUSY},
 * {@link PortCounter#TX_BUSY}); the link sends the frame after the frames before it; when its last bit has
 * left, the hardware marks the descriptor sent and TX completion frees it (at once, or by
 * {@link #txReclaim(int, long)} after a TX interrupt). The packet goes to the {@link TxSink}, or is freed at
 * completion when there is none.
 *
 * <p>Nothing allocates per frame. One simulation thread.
 */
public final class NicPort {

    private final String name;
    private final int ifindex;
    private final EventLoop loop;
    private final PacketStore store;
    private final NicPortConfig config;
    private final OffloadFeatures features;
    private final Counters<PortCounter> counters = new Counters<>(PortCounter.class);
    private final RxQueue[] rxQueues;
    private final InterruptLine[] lines;
    private final InterruptLine txLine;
    private final Rss rss;
    private final TxRing txRing;
    private final Link link;
    private final LinkDirection wire;
    private final int dmaKind;
    private final int txDoneKind;
    private final long dmaFixedNs;
    private final long dmaPsPerByte;
    private final boolean autoReclaim;
    private final TxCompletionHandler freeOnCompletion;
    private TxSink txSink;

    /**
     * Builds a port.
     *
     * @param name the device name, e.g. {@code "eth0"}
     * @param ifindex the device index stored as the packets' ingress device
     * @param config the settings
     * @param loop the event loop (DMA and TX-completion kinds are registered here, once)
     * @param store the packet store
     * @param trace where trace events go
     */
    public NicPort(final String name, final int ifindex, final NicPortConfig config, final EventLoop loop,
        final PacketStore store, final NicTrace trace) {
        validate(name, config);
        this.name = name;
        this.ifindex = ifindex;
        this.loop = loop;
        this.store = store;
        this.config = config;
        this.features = config.features();
        final int n = config.rxQueues();
        this.lines = new InterruptLine[config.sharedIrq() ? 1 : n];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = new InterruptLine(config.irqBase() + i, config.sharedIrq() ? name : name + "-rx" + i, trace);
        }
        this.txLine = config.sharedIrq() ? lines[0]
            : new InterruptLine(config.irqBase() + n, name + "-tx", trace);
        this.rxQueues = new RxQueue[n];
        for (int i = 0; i < n; i++) {
            rxQueues[i] = new RxQueue(i, name + "-rx" + i, config, lines[config.sharedIrq() ? 0 : i], loop, store,
                counters, trace);
        }
        this.rss = config.rxHash() ? new Rss(Toeplitz.microsoftKey(), new RssIndirection(n))
            .udpPorts(config.rssUdpPorts()) : null;
        this.txRing = new TxRing(name + "-tx", config.txRingSlots(), config.txStopThresholdSlots(),
            config.txWakeThresholdSlots());
        this.link = new Link(name, config.rateBps(), config.propagationDelayNs());
        this.wire = link.aToB();
        this.dmaFixedNs = config.dmaFixedNs();
        this.dmaPsPerByte = config.dmaPsPerByte();
        this.autoReclaim = config.txAutoReclaim();
        final EventHandler onDma = (queue, packet, nowNs) -> rxQueues[queue].land((int) packet, nowNs);
        this.dmaKind = loop.register(onDma, name + ":rx-dma");
        final EventHandler onTxDone = (target, packet, nowNs) -> onTxDone(nowNs);
        this.txDoneKind = loop.register(onTxDone, name + ":tx-done");
        final PacketStore s = store;
        this.freeOnCompletion = (packet, nowNs) -> {
            if (txSink == null) {
                s.free(packet);
            }
        };
    }

    private static void validate(final String name, final NicPortConfig c) {
        if (c.rxQueues() < 1 || c.rxQueues() > 1024) {
            throw new IllegalArgumentException("NicPort " + name + ": " + c.rxQueues() + " RX queues (1..1024)");
        }
        if (c.rxUsecs() < 0 || c.rxFrames() < 0 || c.dmaFixedNs() < 0 || c.dmaPsPerByte() < 0) {
            throw new IllegalArgumentException("NicPort " + name + ": rx-usecs " + c.rxUsecs() + ", rx-frames "
                + c.rxFrames() + ", DMA " + c.dmaFixedNs() + " ns + " + c.dmaPsPerByte()
                + " ps/byte must all be at least 0");
        }
    }

    /** @return the device name */
    public String name() {
        return name;
    }

    /** @return the device index */
    public int ifindex() {
        return ifindex;
    }

    /** @return the settings */
    public NicPortConfig config() {
        return config;
    }

    /** @return the offload features */
    public OffloadFeatures features() {
        return features;
    }

    /** @return the counters */
    public Counters<PortCounter> counters() {
        return counters;
    }

    /** @return the number of RX queues */
    public int rxQueueCount() {
        return rxQueues.length;
    }

    /**
     * @param i the queue index
     * @return the RX queue
     */
    public RxQueue rxQueue(final int i) {
        return rxQueues[i];
    }

    /** @return the number of interrupt lines for RX (1 when shared) */
    public int irqLineCount() {
        return lines.length;
    }

    /**
     * @param i the line index (0 when shared)
     * @return the RX interrupt line
     */
    public InterruptLine irqLine(final int i) {
        return lines[i];
    }

    /** @return the TX completion interrupt line (the shared line when shared) */
    public InterruptLine txIrqLine() {
        return txLine;
    }

    /** @return RSS, or null when rxhash is off */
    public Rss rss() {
        return rss;
    }

    /** @return the TX ring */
    public TxRing txRing() {
        return txRing;
    }

    /** @return the link this port transmits on (direction A to B) */
    public Link link() {
        return link;
    }

    /**
     * Sets where transmitted frames go.
     *
     * @param sink the sink; null frees frames at TX completion
     */
    public void txSink(final TxSink sink) {
        this.txSink = sink;
    }

    /**
     * A frame has fully arrived from the wire.
     *
     * @param packet the packet (its wire length set); the port owns it from now on
     * @param nowNs the time its last bit arrived, in nanoseconds
     * @return false if it was dropped at once (ring full with no DMA delay); true if it landed or is in DMA
     */
    public boolean receive(final int packet, final long nowNs) {
        final PacketStore s = store;
        counters.increment(PortCounter.RX_FRAMES_IN);
        final int q = rss != null ? rss.steer(s, packet) : 0;
        s.ingressDevice(packet, ifindex);
        s.queueMapping(packet, q);
        s.arrivalNs(packet, nowNs);
        if (features.rxChecksum() && s.networkOffset(packet) >= 0 && !s.hasFlag(packet, PacketStore.FLAG_CSUM_BAD)) {
            s.checksumState(packet, ChecksumState.UNNECESSARY);
            counters.increment(PortCounter.RX_CSUM_UNNECESSARY);
        } else {
            s.checksumState(packet, ChecksumState.NONE);
        }
        final RxQueue queue = rxQueues[q];
        final long dmaNs = dmaFixedNs + (s.length(packet) * dmaPsPerByte + 999) / 1000;
        final long landNs = queue.landTime(nowNs + dmaNs);
        if (landNs == nowNs) {
            return queue.land(packet, nowNs);
        }
        loop.schedule(landNs, dmaKind, q, packet);
        return true;
    }

    /**
     * Transmits a frame ({@code ndo_start_xmit}).
     *
     * @param packet the packet; on success the port (or the sink) owns it
     * @param nowNs the time, in nanoseconds
     * @return false ({@code NETDEV_TX_BUSY}) if the queue is stopped or full: the caller keeps the packet
     */
    public boolean transmit(final int packet, final long nowNs) {
        if (!txRing.offer(packet, nowNs)) {
            counters.increment(PortCounter.TX_BUSY);
            return false;
        }
        final int len = store.length(packet);
        final long arrivalNs = wire.transmit(nowNs, len);
        counters.increment(PortCounter.TX_PACKETS);
        counters.add(PortCounter.TX_BYTES, len);
        loop.schedule(wire.lastLeftNs(), txDoneKind, 0, packet);
        final TxSink sink = txSink;
        if (sink != null) {
            sink.onWire(packet, arrivalNs);
        }
        return true;
    }

    private void onTxDone(final long nowNs) {
        txRing.markSent(1);
        if (autoReclaim) {
            counters.add(PortCounter.TX_COMPLETED, txRing.complete(Integer.MAX_VALUE, nowNs, freeOnCompletion));
        } else {
            counters.increment(PortCounter.TX_IRQ);
            txLine.raise(nowNs, -1);
        }
    }

    /**
     * TX completion from a TX NAPI poll ({@code mtk_poll_tx()}), when auto-reclaim is off.
     *
     * @param budget the most descriptors to free
     * @param nowNs the time, in nanoseconds
     * @return descriptors freed
     */
    public int txReclaim(final int budget, final long nowNs) {
        final int n = txRing.complete(budget, nowNs, freeOnCompletion);
        counters.add(PortCounter.TX_COMPLETED, n);
        return n;
    }

    /** @return true while the TX queue is stopped */
    public boolean txStopped() {
        return txRing.stopped();
    }

    @Override
    public String toString() {
        return "NicPort[" + name + ", " + rxQueues.length + " rx queues, " + counters + "]";
    }
}
