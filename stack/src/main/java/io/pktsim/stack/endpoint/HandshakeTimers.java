package io.pktsim.stack.endpoint;

/**
 * Linux 6.18's timers for a lost handshake, with the default sysctls: when the client sends its SYN again, when the
 * server sends its SYN-ACK again, and the client's first retransmission timeout once the handshake gave it an RTT.
 *
 * <p><b>SYN.</b> {@code tcp_connect()} arms the retransmission timer at {@code TCP_TIMEOUT_INIT} (1 s). At each
 * expiry {@code tcp_retransmit_timer()} (net/ipv4/tcp_timer.c) first asks {@code tcp_write_timeout()}: in
 * {@code SYN_SENT} the connection fails once it has sent {@code tcp_syn_retries} (6) plus
 * {@code tcp_syn_linear_timeouts} (4) retransmissions. Otherwise it sends the SYN again, counts the timeout
 * ({@code tcp_update_rto_stats()}: {@code icsk_retransmits++}, {@code total_rto++}), and keeps the timeout at
 * 1 s while {@code total_rto <= tcp_syn_linear_timeouts}. After that it doubles the timeout, up to
 * {@code TCP_RTO_MAX} (120 s). So the SYNs leave at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35 and 67 s, and the connect fails
 * at 131 s. A capture of a 6.x kernel connecting into a black hole shows these 11 SYNs and the failure at about
 * 133 s.
 *
 * <p><b>SYN-ACK.</b> The listener's request socket arms {@code rsk_timer} at {@code TCP_TIMEOUT_INIT}.
 * {@code reqsk_timer_handler()} (net/ipv4/inet_connection_sock.c) drops the request once {@code num_timeout}
 * reaches {@code tcp_synack_retries} (5). Otherwise it sends the SYN-ACK again and re-arms at
 * {@code min(TCP_TIMEOUT_INIT << ++num_timeout, TCP_RTO_MAX)}. So the SYN-ACKs leave at 0, 1, 3, 7, 15 and 31 s,
 * and the request expires at 63 s. When the client's SYN comes again, {@code tcp_check_req()} answers it with a
 * SYN-ACK and pushes the timer to now plus the current timeout, without counting a timeout
 * ({@link #synAckWaitNs}).
 *
 * <p><b>First RTO.</b> The handshake's RTT sample {@code m} is the first, so {@code tcp_rtt_estimator()} sets
 * {@code srtt = m} and {@code rttvar = max(2m, tcp_rto_min)}. {@code __tcp_set_rto()} gives
 * {@code m + max(2m, 200 ms)}, and each timeout doubles it up to 120 s ({@link #backoffNs}).
 */
public final class HandshakeTimers {

    /** Linux's defaults, where the RTO constants are kept. */
    private static final TcpConfig LINUX = new TcpConfig();
    /** {@code TCP_TIMEOUT_INIT}: 1 s (include/net/tcp.h, RFC 6298; {@link TcpConfig#rtoInitNs()}). */
    public static final long TIMEOUT_INIT_NS = LINUX.rtoInitNs();
    /** {@code TCP_RTO_MAX}: 120 s (include/net/tcp.h; {@link TcpConfig#rtoMaxNs()}). */
    public static final long RTO_MAX_NS = LINUX.rtoMaxNs();
    /** {@code TCP_RTO_MIN}: 200 ms (include/net/tcp.h; {@link TcpConfig#rtoMinNs()}). */
    public static final long RTO_MIN_NS = LINUX.rtoMinNs();
    /** {@code net.ipv4.tcp_syn_retries}: {@code TCP_SYN_RETRIES}, 6. */
    public static final int SYN_RETRIES = 6;
    /** {@code net.ipv4.tcp_syn_linear_timeouts}: 4 ({@code tcp_sk_init()}, net/ipv4/tcp_ipv4.c, 6.6 and later). */
    public static final int SYN_LINEAR_TIMEOUTS = 4;
    /** {@code net.ipv4.tcp_synack_retries}: {@code TCP_SYNACK_RETRIES}, 5. */
    public static final int SYNACK_RETRIES = 5;

    private HandshakeTimers() {
    }

    /**
     * Whether the connect fails at the SYN timer's next expiry instead of sending the SYN again
     * ({@code tcp_write_timeout()}: {@code icsk_retransmits >= tcp_syn_retries + tcp_syn_linear_timeouts}).
     *
     * @param retransmissions SYNs sent again so far
     * @return true if the connect fails
     */
    public static boolean synExpired(final int retransmissions) {
        return retransmissions >= SYN_RETRIES + SYN_LINEAR_TIMEOUTS;
    }

    /**
     * How long the client waits for the SYN-ACK after its SYN.
     *
     * @param timeouts the SYN timer's expiries so far ({@code total_rto}): 0 after the first SYN
     * @return the timeout, ns: 1 s up to {@code tcp_syn_linear_timeouts} expiries, then doubling, at most 120 s
     */
    public static long synWaitNs(final int timeouts) {
        if (timeouts < 0) {
            throw new IllegalArgumentException("timeouts " + timeouts);
        }
        return timeouts <= SYN_LINEAR_TIMEOUTS ? TIMEOUT_INIT_NS : backoffNs(TIMEOUT_INIT_NS,
            timeouts - SYN_LINEAR_TIMEOUTS);
    }

    /**
     * Whether the request expires at the SYN-ACK timer's next expiry instead of sending the SYN-ACK again
     * ({@code syn_ack_recalc()}: {@code num_timeout >= tcp_synack_retries}).
     *
     * @param timeouts the request timer's expiries so far ({@code num_timeout})
     * @return true if the request expires
     */
    public static boolean synAckExpired(final int timeouts) {
        return timeouts >= SYNACK_RETRIES;
    }

    /**
     * How long the server waits for the handshake's last ACK after a SYN-ACK ({@code reqsk_timeout()}).
     *
     * @param timeouts the request timer's expiries so far ({@code num_timeout})
     * @return {@code min(1 s << timeouts, 120 s)}, ns
     */
    public static long synAckWaitNs(final int timeouts) {
        return backoffNs(TIMEOUT_INIT_NS, timeouts);
    }

    /**
     * The retransmission timeout after a connection's first RTT sample ({@code tcp_rtt_estimator()} then
     * {@code __tcp_set_rto()}).
     *
     * @param rttNs the handshake's round trip, ns
     * @return {@code rtt + max(2 rtt, 200 ms)}, at most 120 s, ns
     */
    public static long firstRtoNs(final long rttNs) {
        if (rttNs < 0) {
            throw new IllegalArgumentException("rtt " + rttNs);
        }
        return Math.min(RTO_MAX_NS, rttNs + Math.max(2 * rttNs, RTO_MIN_NS));
    }

    /**
     * An exponential backoff ({@code inet_csk_rto_backoff()}, {@code reqsk_timeout()}).
     *
     * @param baseNs  the timeout before any expiry, ns
     * @param backoff expiries so far
     * @return {@code min(base << backoff, 120 s)}, ns
     */
    public static long backoffNs(final long baseNs, final int backoff) {
        if (backoff < 0) {
            throw new IllegalArgumentException("backoff " + backoff);
        }
        if (backoff >= 63 || baseNs > RTO_MAX_NS >> backoff) {
            return RTO_MAX_NS;
        }
        return baseNs << backoff;
    }
}
