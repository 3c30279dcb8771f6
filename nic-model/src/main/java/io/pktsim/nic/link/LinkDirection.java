package io.pktsim.nic.link;

/**
 * One direction of a full-duplex {@link Link}: a serialisation point that sends one frame at a time.
 *
 * <p>A frame handed over at {@code nowNs} starts when the direction is free ({@code max(now, busyUntil)}),
 * occupies the wire for {@link #wireBytes(int)} byte times (preamble, frame, FCS and the inter-frame gap),
 * and its last bit (the end of the FCS) arrives at the far end one propagation delay after it left.
 * Internally the busy-until time is exact: whole nanoseconds plus a remainder in units of
 * {@code 1/rateBps} ns (as {@code io.pktsim.core.cpu.CpuCore} carries cycles), so a million frames sum to the
 * exact total with no drift. Nothing allocates. One simulation thread.
 */
public final class LinkDirection {

    /** Preamble and start-of-frame delimiter, in bytes (IEEE 802.3 clause 3.2.1). */
    public static final int PREAMBLE_SFD_BYTES = 8;
    /** Minimum inter-frame gap, in bytes (96 bit times). */
    public static final int IFG_BYTES = 12;
    /** Frame check sequence, in bytes; not counted in {@code skb->len}. */
    public static final int FCS_BYTES = 4;
    /** Minimum frame length on the wire including the FCS, in bytes ({@code ETH_ZLEN} 60 + FCS). */
    public static final int MIN_FRAME_BYTES = 64;
    /** Per-frame overhead on the wire besides the frame itself, in bytes: 8 + 4 + 12. */
    public static final int OVERHEAD_BYTES = PREAMBLE_SFD_BYTES + FCS_BYTES + IFG_BYTES;

    private static final long NS_PER_SECOND = 1_000_000_000L;
    private static final int ETH_ZLEN = MIN_FRAME_BYTES - FCS_BYTES;

    private final String name;
    private final long rateBps;
    private final long propagationDelayNs;

    /** Busy until busyNs + busyFraction / rateBps nanoseconds. */
    private long busyNs;
    private long busyFraction;
    private long lastLeftNs;
    private long frames;
    private long bytes;
    private long wireByteTotal;

    /**
     * Creates an idle direction.
     *
     * @param name a name for reports and errors, e.g. {@code "wan0->isp"}
     * @param rateBps the line rate, in bits/s, 1 to 10^12
     * @param propagationDelayNs the propagation delay, in nanoseconds, at least 0
     */
    public LinkDirection(final String name, final long rateBps, final long propagationDelayNs) {
        if (rateBps <= 0 || rateBps > 1_000_000_000_000L || propagationDelayNs < 0) {
            throw new IllegalArgumentException("LinkDirection " + name + ": rate " + rateBps
                + " bit/s must be 1..10^12 and the propagation delay " + propagationDelayNs + " ns at least 0");
        }
        this.name = name;
        this.rateBps = rateBps;
        this.propagationDelayNs = propagationDelayNs;
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the line rate, in bits/s */
    public long rateBps() {
        return rateBps;
    }

    /** @return the propagation delay, in nanoseconds */
    public long propagationDelayNs() {
        return propagationDelayNs;
    }

    /**
     * The byte times a frame occupies on the wire: the frame padded to 60 bytes, plus FCS, preamble/SFD and
     * inter-frame gap.
     *
     * @param frameBytes the frame length without FCS ({@code skb->len}), in bytes
     * @return byte times on the wire (1538 for 1500, 84 for 60 or less)
     */
    public static int wireBytes(final int frameBytes) {
        return Math.max(frameBytes, ETH_ZLEN) + OVERHEAD_BYTES;
    }

    /**
     * The time a frame occupies the wire, inter-frame gap included, rounded up to a nanosecond.
     *
     * @param frameBytes the frame length without FCS, in bytes
     * @return nanoseconds (123,040 for 1500 bytes at 100 Mbit/s)
     */
    public long wireTimeNs(final int frameBytes) {
        final long bits = 8L * wireBytes(frameBytes);
        final long num = bits * NS_PER_SECOND;
        return num / rateBps + (num % rateBps == 0 ? 0 : 1);
    }

    /**
     * Sends a frame: it starts when the direction is free and holds it for its wire time.
     *
     * @param nowNs the time the frame is handed to the MAC, in nanoseconds
     * @param frameBytes the frame length without FCS, in bytes, at least 1
     * @return the time the last bit (end of the FCS) arrives at the far end, in nanoseconds (rounded up)
     */
    public long transmit(final long nowNs, final int frameBytes) {
        if (nowNs > busyNs || (nowNs == busyNs && busyFraction == 0)) {
            busyNs = nowNs;
            busyFraction = 0;
        }
        final long rate = rateBps;
        final int wire = wireBytes(frameBytes);
        // end of the FCS: start + (wire - IFG) byte times
        final long fcsNum = 8L * (wire - IFG_BYTES) * NS_PER_SECOND + busyFraction;
        final long fcsNs = busyNs + fcsNum / rate;
        final long fcsRest = fcsNum % rate;
        // busy until: start + wire byte times
        final long num = 8L * wire * NS_PER_SECOND + busyFraction;
        busyNs += num / rate;
        busyFraction = num % rate;
        final long left = fcsNs + (fcsRest == 0 ? 0 : 1);
        lastLeftNs = left;
        frames++;
        bytes += frameBytes;
        wireByteTotal += wire;
        return left + propagationDelayNs;
    }

    /** @return the time the direction is free again (the inter-frame gap after the last frame included), rounded up */
    public long busyUntilNs() {
        return busyNs + (busyFraction == 0 ? 0 : 1);
    }

    /**
     * The exact busy-until time as whole nanoseconds; {@link #busyRemainder()} holds the fraction.
     *
     * @return nanoseconds, rounded down
     */
    public long busyUntilFloorNs() {
        return busyNs;
    }

    /** @return the fraction of a nanosecond beyond {@link #busyUntilFloorNs()}, in units of 1/rateBps ns */
    public long busyRemainder() {
        return busyFraction;
    }

    /** @return the time the last bit of the latest frame left this end, in nanoseconds (rounded up) */
    public long lastLeftNs() {
        return lastLeftNs;
    }

    /** @return frames sent */
    public long frames() {
        return frames;
    }

    /** @return frame bytes sent (without FCS, padding or framing overhead) */
    public long bytes() {
        return bytes;
    }

    /** @return byte times used on the wire, overhead and padding included */
    public long wireBytesSent() {
        return wireByteTotal;
    }

    @Override
    public String toString() {
        return "LinkDirection[" + name + ", " + rateBps + " bit/s, busy until " + busyUntilNs() + " ns]";
    }
}
