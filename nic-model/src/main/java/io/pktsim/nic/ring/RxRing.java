package io.pktsim.nic.ring;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;

/**
 * An RX descriptor ring: an LMAX Disruptor {@link RingBuffer} of preallocated {@link RxDescriptor}s, filled
 * by the NIC with {@link #offer(int, long)} and drained by the NAPI poll with {@link #poll(int, RxFrameHandler)}
 * through an {@link EventPoller} whose handler stops at the budget. The poller's sequence gates the ring, so
 * a descriptor is reused only after the poll has taken its frame.
 *
 * <p>A full ring never blocks: {@code offer} tests the remaining capacity and returns false, as the frame
 * engine drops a frame that finds no free descriptor ({@code next()} is never called on a full ring). The
 * caller counts the drop (the port counts {@code rx_fifo_errors}); the ring counts its own refusals too.
 *
 * <p>Defaults: {@link #MTK_DMA_SIZE_LEGACY} (256, Linux up to 5.12) and {@link #MTK_DMA_SIZE} (512, 5.13+).
 * Nothing allocates per frame. One simulation thread (producer and consumer are the same thread; the
 * Disruptor's ordering is kept but never waited on).
 */
public final class RxRing {

    /**
     * {@code MTK_DMA_SIZE} up to Linux 5.12: 256 descriptors (drivers/net/ethernet/mediatek/mtk_eth_soc.h;
     * router-facts.md §5, T9).
     */
    public static final int MTK_DMA_SIZE_LEGACY = 256;
    /**
     * {@code MTK_DMA_SIZE} from Linux 5.13: 512 descriptors ("net: ethernet: mtk_eth_soc: increase DMA ring
     * sizes", Felix Fietkau 2021; router-facts.md §5, T9).
     */
    public static final int MTK_DMA_SIZE = 512;

    private final String name;
    private final int sizeSlots;
    private final int mask;
    private final RingBuffer<RxDescriptor> ring;
    private final EventPoller<RxDescriptor> poller;
    private final BudgetHandler budgetHandler = new BudgetHandler();
    private int lastSlot = -1;
    private long accepted;
    private long refused;
    private long delivered;
    private int highWaterSlots;

    /**
     * Creates an empty ring.
     *
     * @param name a name for errors and reports, e.g. {@code "eth0-rx0"}
     * @param sizeSlots the number of descriptors, a power of two of at least 2
     */
    public RxRing(final String name, final int sizeSlots) {
        if (sizeSlots < 2 || Integer.bitCount(sizeSlots) != 1) {
            throw new IllegalArgumentException("RxRing " + name + ": size " + sizeSlots
                + " descriptors is not a power of two >= 2");
        }
        this.name = name;
        this.sizeSlots = sizeSlots;
        this.mask = sizeSlots - 1;
        this.ring = RingBuffer.createSingleProducer(RxDescriptor::new, sizeSlots, new BusySpinWaitStrategy());
        this.poller = ring.newPoller();
        ring.addGatingSequences(poller.getSequence());
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /**
     * The NIC writes a received frame into the next free descriptor.
     *
     * @param packet the packet handle
     * @param nowNs the time the DMA completed, in nanoseconds
     * @return true if it landed; false if every descriptor is in use (the frame is dropped; the caller counts
     *     it and still owns the packet)
     */
    public boolean offer(final int packet, final long nowNs) {
        final RingBuffer<RxDescriptor> r = ring;
        if (!r.hasAvailableCapacity(1)) {
            refused++;
            return false;
        }
        final long seq = r.next();
        final RxDescriptor d = r.get(seq);
        final int slot = (int) seq & mask;
        d.packet = packet;
        d.arrivalNs = nowNs;
        d.slot = slot;
        r.publish(seq);
        lastSlot = slot;
        accepted++;
        final int occ = occupancy();
        if (occ > highWaterSlots) {
            highWaterSlots = occ;
        }
        return true;
    }

    /**
     * Takes up to {@code budget} frames, oldest first, handing each to the handler.
     *
     * @param budget the most frames to take; 0 or less takes none
     * @param handler receives each frame
     * @return the frames handed over, at most {@code budget}
     */
    public int poll(final int budget, final RxFrameHandler handler) {
        if (budget <= 0 || ring.getCursor() == poller.getSequence().get()) {
            return 0;
        }
        final BudgetHandler h = budgetHandler;
        h.budget = budget;
        h.count = 0;
        h.target = handler;
        try {
            poller.poll(h);
        } catch (final RuntimeException e) {
            throw e;
        } catch (final Exception e) {
            throw new IllegalStateException("RxRing " + name + ": poll failed after " + h.count + " frames", e);
        } finally {
            h.target = null;
        }
        delivered += h.count;
        return h.count;
    }

    /** @return descriptors holding a frame not yet polled */
    public int occupancy() {
        return (int) (ring.getCursor() - poller.getSequence().get());
    }

    /** @return true if at least one frame waits */
    public boolean hasFrames() {
        return ring.getCursor() != poller.getSequence().get();
    }

    /** @return the number of descriptors */
    public int sizeSlots() {
        return sizeSlots;
    }

    /** @return the slot of the last frame offered successfully, -1 before the first */
    public int lastSlot() {
        return lastSlot;
    }

    /** @return frames that landed */
    public long accepted() {
        return accepted;
    }

    /** @return frames refused because the ring was full */
    public long refused() {
        return refused;
    }

    /** @return frames handed to a poll */
    public long delivered() {
        return delivered;
    }

    /** @return the highest occupancy seen, in descriptors */
    public int highWaterSlots() {
        return highWaterSlots;
    }

    /** Stops the Disruptor poll after {@code budget} events; reused for every poll. */
    private static final class BudgetHandler implements EventPoller.Handler<RxDescriptor> {
        int budget;
        int count;
        RxFrameHandler target;

        @Override
        public boolean onEvent(final RxDescriptor d, final long sequence, final boolean endOfBatch) {
            final int c = ++count;
            target.onFrame(d.packet, d.arrivalNs, d.slot);
            return c < budget;
        }
    }
}
