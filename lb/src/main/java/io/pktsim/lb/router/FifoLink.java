package io.pktsim.lb.router;

/**
 * One direction of a wire (or a shaper) as a FIFO server solved analytically: a frame that arrives at {@code t}
 * starts when the previous one has left and occupies the wire for its serialization time. A tail-drop limit on the
 * queueing delay stands for the sender's buffer (switch port buffer, access-server shaper queue, qdisc backlog).
 * Frames must be offered in non-decreasing arrival order for the result to be exact; an earlier arrival offered
 * late simply queues behind (a bounded error, at most the reorder span). Allocation-free.
 */
final class FifoLink {
    private final long rateBps;
    private final long limitNs;
    private long freeAtNs;
    private long busyNs;
    private long windowStartNs;
    private long frames;
    private long drops;
    /**
     * The last two frame sizes and their serialization times (most frames of a link have one of two sizes: a
     * full segment and an ACK), the older one replaced on a miss; the division is then rare.
     */
    private int lastBytes = -1;
    private long lastSerNs;
    private int otherBytes = -1;
    private long otherSerNs;

    /**
     * @param rateBps line rate, bits/s (&gt; 0)
     * @param limitNs largest queueing delay accepted before a tail drop, ns
     */
    FifoLink(final long rateBps, final long limitNs) {
        this.rateBps = rateBps;
        this.limitNs = limitNs;
    }

    /**
     * Offers one frame.
     *
     * @param arrivalNs when the frame reaches the queue, ns
     * @param wireBytes bytes on the wire including preamble, inter-frame gap and FCS
     * @return the time its last bit leaves, ns, or -1 when it is tail-dropped
     */
    long send(final long arrivalNs, final int wireBytes) {
        final long start = Math.max(arrivalNs, freeAtNs);
        if (start - arrivalNs > limitNs) {
            drops++;
            return -1L;
        }
        final long ser = serializationNs(wireBytes);
        freeAtNs = start + ser;
        final long counted = Math.min(ser, freeAtNs - windowStartNs);
        if (counted > 0) {
            busyNs += counted;
        }
        frames++;
        return freeAtNs;
    }

    /** @param wireBytes bytes; @return serialization time at this rate, ns */
    long serializationNs(final int wireBytes) {
        if (wireBytes == lastBytes) {
            return lastSerNs;
        }
        final int olderBytes = lastBytes;
        final long olderNs = lastSerNs;
        lastBytes = wireBytes;
        lastSerNs = wireBytes == otherBytes ? otherSerNs : (wireBytes * 8_000_000_000L + rateBps - 1) / rateBps;
        otherBytes = olderBytes;
        otherSerNs = olderNs;
        return lastSerNs;
    }

    /** Starts a measurement window at {@code nowNs}. */
    void resetWindow(final long nowNs) {
        windowStartNs = nowNs;
        busyNs = Math.max(0L, freeAtNs - nowNs);
        frames = 0;
        drops = 0;
    }

    /** @param endNs end of the window; @return busy fraction of the window since {@link #resetWindow} */
    double utilization(final long endNs) {
        final long span = endNs - windowStartNs;
        if (span <= 0) {
            return 0.0;
        }
        final long overrun = Math.max(0L, freeAtNs - endNs);
        return Math.min(1.0, Math.max(0L, busyNs - overrun) / (double) span);
    }

    long rateBps() {
        return rateBps;
    }

    long drops() {
        return drops;
    }

    long frames() {
        return frames;
    }
}
