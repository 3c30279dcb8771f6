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
 *
 * <p><b>Giving up.</b> At each retransmission timeout of an established connection {@code tcp_write_timeout()}
 * asks {@code retransmits_timed_out(sk, tcp_retries2, 0)}: once a timeout has been retransmitted
 * ({@code icsk_retransmits}), whether the time since the first retransmission ({@code retrans_stamp}, in ms,
 * {@code tcp_time_stamp_ts()}) has reached what {@code tcp_model_timeout()} gives for {@code tcp_retries2} (15)
 * backed-off retransmissions from {@code TCP_RTO_MIN}: 924.6 s ({@link #modelTimeoutMs}). Then
 * {@code tcp_write_err()} ends the connection with {@code ETIMEDOUT} ({@link #retransmitsTimedOut}). In
 * {@code SYN_SENT} the same check runs with {@code tcp_syn_retries} (6) from {@code TCP_TIMEOUT_INIT}: 127 s from
 * the first SYN sent again, so at the SYN timer's expiry at 131 s, where the count of SYNs fails it as well.
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
    /** {@code net.ipv4.tcp_retries2}: {@code TCP_RETR2}, 15. */
    public static final int RETRIES2 = 15;
    private static final long NS_PER_MS = 1_000_000L;

    private HandshakeTimers() {
    }

    /**
     * Whether the connect fails at the SYN timer's next expiry instead of sending the SYN again
     * ({@code tcp_write_timeout()}, net/ipv4/tcp_timer.c, 6.18: {@code icsk_retransmits >= tcp_syn_retries +
     * tcp_syn_linear_timeouts}). 6.18 also ends it by time ({@code retransmits_timed_out()}, 127 s since the first
     * SYN at the default 6 retries), which at that default first holds at the same expiry, 131 s, so the count alone
     * serves the default ({@link #connectFailsAfterNs} models both, for other {@code tcp_syn_retries}).
     *
     * @param retransmissions SYNs sent again so far
     * @return true if the connect fails
     */
    public static boolean synExpired(final int retransmissions) {
        return retransmissions >= SYN_RETRIES + SYN_LINEAR_TIMEOUTS;
    }

    /**
     * When a connect that gets no answer fails with {@code ETIMEDOUT}, counted from its first SYN: at the first
     * expiry of the SYN timer where {@code tcp_write_timeout()} finds either {@code synRetries +
     * tcp_syn_linear_timeouts} SYNs sent again ({@code icsk_retransmits >= max_retransmits}) or, on the ms clock,
     * {@link #modelTimeoutMs}{@code (synRetries, TCP_TIMEOUT_INIT)} passed since {@code retrans_stamp}, the first
     * SYN ({@code retransmits_timed_out(sk, retry_until, user_timeout)}, which 6.18 asks when the count has not
     * expired). The waits are {@link #synWaitNs}'s. With the default 6 both give 131 s (the count at 10, the time
     * past 127 s); with fewer the time comes first: 2 retries fail at 7 s (the count alone would say 11 s), 3 at 19 s.
     *
     * @param synRetries {@code net.ipv4.tcp_syn_retries}
     * @return the time from the first SYN to the failure, ns
     */
    public static long connectFailsAfterNs(final int synRetries) {
        if (synRetries < 1 || synRetries > 127) {
            throw new IllegalArgumentException("tcp_syn_retries " + synRetries);
        }
        final long timeoutMs = modelTimeoutMs(synRetries, TIMEOUT_INIT_NS);
        long t = 0;
        int retransmissions = 0;
        while (true) {
            t += synWaitNs(retransmissions);
            if (retransmissions >= synRetries + SYN_LINEAR_TIMEOUTS || t / NS_PER_MS >= timeoutMs) {
                return t;
            }
            retransmissions++;
        }
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

    /**
     * {@code tcp_model_timeout()} (net/ipv4/tcp_timer.c): how long {@code boundary} retransmissions take when the
     * first timeout is {@code rtoBase} and each doubles it up to {@code TCP_RTO_MAX} (120 s).
     *
     * @param boundary   the retransmissions ({@code tcp_retries2}, {@code tcp_syn_retries})
     * @param rtoBaseNs  the first timeout ({@code TCP_RTO_MIN}, or {@code TCP_TIMEOUT_INIT} for a handshake), ns
     * @return {@code (2^(boundary+1) - 1) * base} while the timeouts stay below 120 s
     *     ({@code boundary <= ilog2(120 s / base)}), then 120 s for each further one; ms
     */
    public static long modelTimeoutMs(final int boundary, final long rtoBaseNs) {
        if (boundary < 0 || rtoBaseNs < NS_PER_MS || rtoBaseNs > RTO_MAX_NS) {
            throw new IllegalArgumentException("boundary " + boundary + ", rto base " + rtoBaseNs);
        }
        final long baseMs = rtoBaseNs / NS_PER_MS;
        final long maxMs = RTO_MAX_NS / NS_PER_MS;
        final int linearBackoffThresh = 63 - Long.numberOfLeadingZeros(maxMs / baseMs);
        if (boundary <= linearBackoffThresh) {
            return ((2L << boundary) - 1) * baseMs;
        }
        return ((2L << linearBackoffThresh) - 1) * baseMs + (boundary - linearBackoffThresh) * maxMs;
    }

    /**
     * Whether an established connection's sender gives up at this retransmission timeout instead of sending again
     * ({@code retransmits_timed_out(sk, tcp_retries2, 0)} in {@code tcp_write_timeout()}: the ms clock's time since
     * {@code retrans_stamp} has reached {@link #modelTimeoutMs}{@code (tcp_retries2, TCP_RTO_MIN)}, 924.6 s). Only
     * asked once the connection has retransmitted on a timeout ({@code icsk_retransmits} not 0).
     *
     * @param retransStampNs when the first retransmission of this loss of contact left ({@code retrans_stamp}), ns
     * @param nowNs          the timer's expiry, ns
     * @return true if the connection fails with {@code ETIMEDOUT} ({@code tcp_write_err()})
     */
    public static boolean retransmitsTimedOut(final long retransStampNs, final long nowNs) {
        return retransmitsTimedOut(RETRIES2, retransStampNs, nowNs);
    }

    private static boolean retransmitsTimedOut(final int retries2, final long retransStampNs, final long nowNs) {
        return nowNs / NS_PER_MS - retransStampNs / NS_PER_MS >= modelTimeoutMs(retries2, RTO_MIN_NS);
    }

    /**
     * When a sender that hears nothing more gives up, counted from its first retransmission ({@code retrans_stamp}):
     * the retransmission timer's expiries come {@code 2 rto}, {@code 4 rto}, ... (at most 120 s each) after it,
     * and the first at which {@link #retransmitsTimedOut} holds for {@code retries2} ends the connection. With the
     * default 15 and a 200 ms RTO: 1044.4 s (the expiry at 924.4 s falls 0.2 s short of 924.6 s); with 3: 6.0 s.
     * Timers exactly on time: the kernel's timer wheel fires a timeout up to an eighth of it late, which from
     * about 3 retries on can add up to the 0.2 s and end the connection one expiry sooner.
     *
     * @param retries2 {@code net.ipv4.tcp_retries2}
     * @param rtoNs    the timeout before the first retransmission ({@code icsk_rto}), ns
     * @return the time from the first retransmission to the failure, ns
     */
    public static long writeTimeoutAfterNs(final int retries2, final long rtoNs) {
        if (retries2 < 1 || retries2 > 255 || rtoNs < RTO_MIN_NS || rtoNs > RTO_MAX_NS) {
            throw new IllegalArgumentException("tcp_retries2 " + retries2 + ", rto " + rtoNs);
        }
        long t = 0;
        for (int backoff = 1; ; backoff++) {
            t += backoffNs(rtoNs, backoff);
            if (retransmitsTimedOut(retries2, 0, t)) {
                return t;
            }
        }
    }
}
