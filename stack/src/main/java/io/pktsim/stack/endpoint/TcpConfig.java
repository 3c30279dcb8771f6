package io.pktsim.stack.endpoint;

/**
 * The knobs of one TCP connection, with Linux 6.18's defaults. Checked by {@link #validate()} when a
 * connection is built. Mutable while a model is built; not touched on the per-packet path.
 */
public final class TcpConfig {

    /** Congestion control: NewReno ({@code reno}). */
    public static final int CC_NEWRENO = 0;
    /** Congestion control: CUBIC ({@code cubic}, Linux's default). */
    public static final int CC_CUBIC = 1;

    private int mtuBytes = 1500;
    private boolean timestamps = true;
    private int windowScale = 7;
    private int rcvBufBytes = 6 * 1024 * 1024;
    private int congestionControl = CC_CUBIC;
    private int initCwndSegments = 10;
    private long rtoMinNs = 200_000_000L;
    private long rtoInitNs = 1_000_000_000L;
    private long rtoMaxNs = 120_000_000_000L;
    private long delAckNs = 40_000_000L;
    private boolean delayedAck = true;
    private int ofoQueueIntervals = 64;
    private int maxInFlightSegments = 8192;
    private boolean impatientRecovery;

    /** @return the MTU of the sending host's interface, in bytes (the SYN's MSS option is derived from it) */
    public int mtuBytes() {
        return mtuBytes;
    }

    /**
     * @param bytes the interface MTU, in bytes (1500 for Ethernet; 1492 behind PPPoE)
     * @return this
     */
    public TcpConfig mtuBytes(final int bytes) {
        mtuBytes = bytes;
        return this;
    }

    /** @return whether the timestamp option is used ({@code net.ipv4.tcp_timestamps}, default 1) */
    public boolean timestamps() {
        return timestamps;
    }

    /**
     * @param on {@code net.ipv4.tcp_timestamps}
     * @return this
     */
    public TcpConfig timestamps(final boolean on) {
        timestamps = on;
        return this;
    }

    /** @return the window-scale shift this end offers (7 for Linux's 6 MiB {@code tcp_rmem[2]}), -1 for none */
    public int windowScale() {
        return windowScale;
    }

    /**
     * @param shift the window-scale shift to offer, 0..14, or -1 to send no option
     * @return this
     */
    public TcpConfig windowScale(final int shift) {
        windowScale = shift;
        return this;
    }

    /** @return the receive buffer, in bytes: the most this end advertises */
    public int rcvBufBytes() {
        return rcvBufBytes;
    }

    /**
     * @param bytes the receive buffer, in bytes (the window advertised; no autotuning)
     * @return this
     */
    public TcpConfig rcvBufBytes(final int bytes) {
        rcvBufBytes = bytes;
        return this;
    }

    /** @return {@link #CC_NEWRENO} or {@link #CC_CUBIC} */
    public int congestionControl() {
        return congestionControl;
    }

    /**
     * @param cc {@link #CC_NEWRENO} or {@link #CC_CUBIC} ({@code net.ipv4.tcp_congestion_control})
     * @return this
     */
    public TcpConfig congestionControl(final int cc) {
        congestionControl = cc;
        return this;
    }

    /** @return the initial window, in segments ({@code TCP_INIT_CWND} 10) */
    public int initCwndSegments() {
        return initCwndSegments;
    }

    /**
     * @param segments the initial congestion window, in segments
     * @return this
     */
    public TcpConfig initCwndSegments(final int segments) {
        initCwndSegments = segments;
        return this;
    }

    /** @return the lower bound of the RTO, in ns ({@code TCP_RTO_MIN} 200 ms) */
    public long rtoMinNs() {
        return rtoMinNs;
    }

    /**
     * @param ns the lower bound of the RTO, in nanoseconds
     * @return this
     */
    public TcpConfig rtoMinNs(final long ns) {
        rtoMinNs = ns;
        return this;
    }

    /** @return the RTO before any RTT sample, in ns ({@code TCP_TIMEOUT_INIT} 1 s, RFC 6298 2.1) */
    public long rtoInitNs() {
        return rtoInitNs;
    }

    /**
     * @param ns the initial RTO, in nanoseconds
     * @return this
     */
    public TcpConfig rtoInitNs(final long ns) {
        rtoInitNs = ns;
        return this;
    }

    /** @return the upper bound of the RTO, in ns ({@code TCP_RTO_MAX} 120 s) */
    public long rtoMaxNs() {
        return rtoMaxNs;
    }

    /** @return the delayed-ACK timeout, in ns ({@code TCP_DELACK_MIN} 40 ms) */
    public long delAckNs() {
        return delAckNs;
    }

    /**
     * @param ns the delayed-ACK timeout, in nanoseconds
     * @return this
     */
    public TcpConfig delAckNs(final long ns) {
        delAckNs = ns;
        return this;
    }

    /** @return whether ACKs are delayed (otherwise every segment is ACKed at once, as quickack) */
    public boolean delayedAck() {
        return delayedAck;
    }

    /**
     * @param on whether to delay ACKs
     * @return this
     */
    public TcpConfig delayedAck(final boolean on) {
        delayedAck = on;
        return this;
    }

    /**
     * @return the most segments in flight, a power of two (the per-segment send-time ring; like
     *     {@code snd_cwnd_clamp})
     */
    public int maxInFlightSegments() {
        return maxInFlightSegments;
    }

    /**
     * @param segments the most segments in flight, a power of two
     * @return this
     */
    public TcpConfig maxInFlightSegments(final int segments) {
        maxInFlightSegments = segments;
        return this;
    }

    /**
     * @return whether only the first partial ACK in fast recovery restarts the RTO (RFC 6582 "Impatient");
     *     false (default) restarts it on each, as Linux's {@code tcp_rearm_rto}
     */
    public boolean impatientRecovery() {
        return impatientRecovery;
    }

    /**
     * @param on RFC 6582's "Impatient" variant
     * @return this
     */
    public TcpConfig impatientRecovery(final boolean on) {
        impatientRecovery = on;
        return this;
    }

    /** @return the number of disjoint out-of-order ranges the receiver holds */
    public int ofoQueueIntervals() {
        return ofoQueueIntervals;
    }

    /**
     * The MSS this end announces in its SYN: the MTU less the IP and TCP headers ({@code tcp_mss_clamp}
     * from the route's advmss: 1460 on a 1500-byte IPv4 link, 1452 behind PPPoE, 1440 for IPv6 on 1500).
     *
     * @param ipv6 whether the connection is IPv6
     * @return the MSS option value, in bytes
     */
    public int synMss(final boolean ipv6) {
        return mtuBytes - (ipv6 ? 40 : 20) - 20;
    }

    /**
     * Checks the values.
     *
     * @return this
     * @throws IllegalArgumentException naming the knob, its value and what is allowed
     */
    public TcpConfig validate() {
        check(mtuBytes >= 576 && mtuBytes <= 9000, "mtu_bytes", mtuBytes, "576..9000");
        check(windowScale >= -1 && windowScale <= 14, "window_scale", windowScale, "-1..14");
        check(rcvBufBytes >= 2 * mtuBytes, "rcv_buf_bytes", rcvBufBytes, "at least 2 x MTU");
        check(congestionControl == CC_NEWRENO || congestionControl == CC_CUBIC, "congestion_control",
            congestionControl, "0 (reno) or 1 (cubic)");
        check(initCwndSegments >= 1 && initCwndSegments <= 1000, "init_cwnd", initCwndSegments, "1..1000");
        check(rtoMinNs > 0 && rtoInitNs >= rtoMinNs && rtoMaxNs >= rtoInitNs, "rto_min/init/max", rtoMinNs,
            "0 < min <= init <= max");
        check(delAckNs > 0, "delack_ns", delAckNs, "> 0");
        check(maxInFlightSegments >= 16 && Integer.bitCount(maxInFlightSegments) == 1, "max_in_flight_segments",
            maxInFlightSegments, "a power of two, at least 16");
        check(ofoQueueIntervals >= 1, "ofo_queue_intervals", ofoQueueIntervals, ">= 1");
        return this;
    }

    private static void check(final boolean ok, final String key, final long value, final String allowed) {
        if (!ok) {
            throw new IllegalArgumentException("tcp: " + key + " = " + value + " is not allowed; expected "
                + allowed);
        }
    }
}
