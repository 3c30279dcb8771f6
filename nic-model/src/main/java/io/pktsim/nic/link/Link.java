package io.pktsim.nic.link;

/**
 * A full-duplex Ethernet link between end A and end B: two independent {@link LinkDirection}s of the same
 * rate and propagation delay, each busy only with its own frames.
 */
public final class Link {

    /** Index of the direction from end A to end B. */
    public static final int A_TO_B = 0;
    /** Index of the direction from end B to end A. */
    public static final int B_TO_A = 1;

    /** 100 Mbit/s Fast Ethernet (MT7620A switch ports; the seed's dorm ports), in bits/s. */
    public static final long FAST_ETHERNET_BPS = 100_000_000L;
    /** 1 Gbit/s Ethernet (MT7621 MT7530 ports), in bits/s. */
    public static final long GIGABIT_BPS = 1_000_000_000L;

    private final String name;
    private final LinkDirection aToB;
    private final LinkDirection bToA;

    /**
     * Creates an idle link.
     *
     * @param name a name, e.g. {@code "lan1"}
     * @param rateBps the rate of each direction, in bits/s
     * @param propagationDelayNs the propagation delay, in nanoseconds
     */
    public Link(final String name, final long rateBps, final long propagationDelayNs) {
        this.name = name;
        this.aToB = new LinkDirection(name + ":a>b", rateBps, propagationDelayNs);
        this.bToA = new LinkDirection(name + ":b>a", rateBps, propagationDelayNs);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the direction from A to B */
    public LinkDirection aToB() {
        return aToB;
    }

    /** @return the direction from B to A */
    public LinkDirection bToA() {
        return bToA;
    }

    /**
     * A direction by index.
     *
     * @param direction {@link #A_TO_B} or {@link #B_TO_A}
     * @return the direction
     */
    public LinkDirection direction(final int direction) {
        return direction == A_TO_B ? aToB : bToA;
    }

    /**
     * Sends a frame from A to B ({@link LinkDirection#transmit(long, int)}).
     *
     * @param nowNs the time the frame is handed over, in nanoseconds
     * @param frameBytes the frame length without FCS, in bytes
     * @return the time its last bit arrives at B, in nanoseconds
     */
    public long transmit(final long nowNs, final int frameBytes) {
        return aToB.transmit(nowNs, frameBytes);
    }

    /**
     * The wire time of a frame on this link ({@link LinkDirection#wireTimeNs(int)}).
     *
     * @param frameBytes the frame length without FCS, in bytes
     * @return nanoseconds, rounded up
     */
    public long wireTimeNs(final int frameBytes) {
        return aToB.wireTimeNs(frameBytes);
    }

    /** @return the busy-until time of the A-to-B direction, in nanoseconds */
    public long busyUntilNs() {
        return aToB.busyUntilNs();
    }
}
