package io.pktsim.nic.ring;

import io.pktsim.core.counter.Counters;

/**
 * A TX descriptor ring with the driver's queue flow control. Three indices walk the ring in order: the
 * driver fills descriptors at the tail ({@link #offer(int, long)}, {@code mtk_start_xmit()}), the hardware
 * marks them sent ({@link #markSent(int)}, the DMA done index), and TX completion frees the sent ones
 * ({@link #complete(int, long, TxCompletionHandler)}, {@code mtk_poll_tx()}).
 *
 * <p>Flow control as {@code mtk_start_xmit()} and {@code mtk_wake_queue()} do (drivers/net/ethernet/
 * mediatek/mtk_eth_soc.c, 6.18), with the common driver threshold: after queuing a frame the queue stops
 * when fewer than {@code stopThresholdSlots} descriptors are free ({@code queue_stopped}); completion wakes
 * it once at least {@code wakeThresholdSlots} are free ({@code queue_woken}); a frame offered while the queue
 * is stopped or the ring is full is refused with {@code NETDEV_TX_BUSY} ({@code tx_busy}) and stays the
 * caller's.
 *
 * <p>A plain int array indexed with a mask (see the package documentation for why not the Disruptor).
 * Nothing allocates per frame.
 */
public final class TxRing {

    /** {@code MTK_QDMA_RING_SIZE}: 2048 QDMA TX descriptors (Linux 6.2+, commit c30e0b9b; router-facts.md §5, T9). */
    public static final int MTK_QDMA_RING_SIZE = 2048;
    /** {@code MAX_SKB_FRAGS} with 4 KiB pages (include/linux/skbuff.h, 6.18). */
    public static final int MAX_SKB_FRAGS = 17;
    /** The usual stop threshold of drivers, {@code MAX_SKB_FRAGS + 2} free descriptors (a worst-case skb). */
    public static final int DEFAULT_STOP_THRESHOLD_SLOTS = MAX_SKB_FRAGS + 2;

    private final String name;
    private final int sizeSlots;
    private final int mask;
    private final int stopThresholdSlots;
    private final int wakeThresholdSlots;
    private final int[] packets;
    private long tail;
    private long sentIndex;
    private long head;
    private boolean stopped;
    private final Counters<TxCounter> counters = new Counters<>(TxCounter.class);

    /**
     * Creates an empty ring whose queue stops below {@link #DEFAULT_STOP_THRESHOLD_SLOTS} and wakes at it.
     *
     * @param name a name, e.g. {@code "eth0-tx"}
     * @param sizeSlots the number of descriptors, a power of two
     */
    public TxRing(final String name, final int sizeSlots) {
        this(name, sizeSlots, Math.min(DEFAULT_STOP_THRESHOLD_SLOTS, sizeSlots / 2),
            Math.min(DEFAULT_STOP_THRESHOLD_SLOTS, sizeSlots / 2));
    }

    /**
     * Creates an empty ring.
     *
     * @param name a name, e.g. {@code "eth0-tx"}
     * @param sizeSlots the number of descriptors, a power of two of at least 2
     * @param stopThresholdSlots the queue stops when fewer descriptors than this are free, 1..size
     * @param wakeThresholdSlots a stopped queue wakes when at least this many are free, stop..size
     */
    public TxRing(final String name, final int sizeSlots, final int stopThresholdSlots,
        final int wakeThresholdSlots) {
        if (sizeSlots < 2 || Integer.bitCount(sizeSlots) != 1 || stopThresholdSlots < 1
            || stopThresholdSlots > sizeSlots || wakeThresholdSlots < stopThresholdSlots
            || wakeThresholdSlots > sizeSlots) {
            throw new IllegalArgumentException("TxRing " + name + ": size " + sizeSlots + ", stop threshold "
                + stopThresholdSlots + " and wake threshold " + wakeThresholdSlots
                + " do not fit (size a power of two >= 2, 1 <= stop <= wake <= size)");
        }
        this.name = name;
        this.sizeSlots = sizeSlots;
        this.mask = sizeSlots - 1;
        this.stopThresholdSlots = stopThresholdSlots;
        this.wakeThresholdSlots = wakeThresholdSlots;
        this.packets = new int[sizeSlots];
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /**
     * The driver places a frame on the next descriptor ({@code ndo_start_xmit}).
     *
     * @param packet the packet handle
     * @param nowNs the time, in nanoseconds (for the caller's trace; the ring keeps no time)
     * @return true if queued; false ({@code NETDEV_TX_BUSY}, counted {@code tx_busy}) if the queue is stopped
     *     or no descriptor is free
     */
    public boolean offer(final int packet, final long nowNs) {
        if (stopped || tail - head == sizeSlots) {
            counters.increment(TxCounter.TX_BUSY);
            return false;
        }
        packets[(int) tail & mask] = packet;
        tail++;
        counters.increment(TxCounter.TX_QUEUED);
        if (freeSlots() < stopThresholdSlots) {
            stopped = true;
            counters.increment(TxCounter.QUEUE_STOPPED);
        }
        return true;
    }

    /**
     * The hardware finished sending descriptors, in ring order.
     *
     * @param count descriptors sent, at most those queued and not yet sent
     * @return the descriptors marked
     */
    public int markSent(final int count) {
        final int n = (int) Math.min(count, tail - sentIndex);
        sentIndex += n;
        counters.add(TxCounter.TX_SENT, n);
        return n;
    }

    /**
     * TX completion: frees up to {@code budget} sent descriptors, oldest first, and wakes the queue when
     * enough are free.
     *
     * @param budget the most descriptors to free
     * @param nowNs the time, in nanoseconds
     * @param handler receives each freed descriptor's packet (may be null)
     * @return descriptors freed
     */
    public int complete(final int budget, final long nowNs, final TxCompletionHandler handler) {
        final int n = (int) Math.min(budget, sentIndex - head);
        for (int i = 0; i < n; i++) {
            final int packet = packets[(int) head & mask];
            head++;
            if (handler != null) {
                handler.onCompleted(packet, nowNs);
            }
        }
        counters.add(TxCounter.TX_COMPLETED, n);
        if (stopped && freeSlots() >= wakeThresholdSlots) {
            stopped = false;
            counters.increment(TxCounter.QUEUE_WOKEN);
        }
        return n;
    }

    /** @return descriptors free for the driver */
    public int freeSlots() {
        return sizeSlots - (int) (tail - head);
    }

    /** @return descriptors queued and not yet sent by the hardware */
    public int pendingSlots() {
        return (int) (tail - sentIndex);
    }

    /** @return descriptors sent and not yet freed by TX completion */
    public int sentSlots() {
        return (int) (sentIndex - head);
    }

    /** @return true while the queue is stopped ({@code netif_tx_queue_stopped()}) */
    public boolean stopped() {
        return stopped;
    }

    /** @return the number of descriptors */
    public int sizeSlots() {
        return sizeSlots;
    }

    /** @return the stop threshold, in free descriptors */
    public int stopThresholdSlots() {
        return stopThresholdSlots;
    }

    /** @return the wake threshold, in free descriptors */
    public int wakeThresholdSlots() {
        return wakeThresholdSlots;
    }

    /** @return the ring's counters */
    public Counters<TxCounter> counters() {
        return counters;
    }
}
