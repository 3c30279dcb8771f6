package io.pktsim.stack.endpoint;

/**
 * The congestion window of one connection, in segments, as in {@code struct tcp_sock}: {@code snd_cwnd},
 * {@code snd_cwnd_cnt} and {@code snd_ssthresh}, with Linux's {@code tcp_slow_start()} and
 * {@code tcp_cong_avoid_ai()} (net/ipv4/tcp_cong.c, 6.18); and the socket's pacing rate
 * ({@code sk->sk_pacing_rate}) with {@code tcp_update_pacing_rate()} (net/ipv4/tcp_input.c, 6.18), which
 * nothing paces by here (no fq qdisc) but CUBIC's HyStart reads.
 */
public final class TcpWindow {

    /** Linux's {@code TCP_INFINITE_SSTHRESH}. */
    public static final int INFINITE_SSTHRESH = 0x7fffffff;
    /**
     * An unlimited pacing rate, the value {@code sock_init_data} gives {@code sk_pacing_rate} (and
     * {@code sk_max_pacing_rate}): Linux's {@code ~0UL}, here the largest {@code long}.
     */
    public static final long UNLIMITED_PACING_RATE = Long.MAX_VALUE;
    /** {@code net.ipv4.tcp_pacing_ss_ratio}: 200 %, while cwnd is below half of ssthresh. */
    public static final int PACING_SS_RATIO = 200;
    /** {@code net.ipv4.tcp_pacing_ca_ratio}: 120 %, from half of ssthresh on. */
    public static final int PACING_CA_RATIO = 120;
    /**
     * {@code (USEC_PER_SEC / 100) << 3}: per-second, per-cent and the scale of eight of {@code srtt_us}, as
     * {@code tcp_update_pacing_rate} multiplies them in.
     */
    private static final long PACING_SCALE = (1_000_000L / 100) << 3;
    /** Nanoseconds per eighth of a microsecond: {@code srtt_us} counts eighths of a microsecond. */
    private static final long NS_PER_SRTT_UNIT = 125;

    /** The congestion window, in segments. */
    public int cwnd;
    /** Acknowledged segments counted toward the next increase in congestion avoidance. */
    public int cwndCnt;
    /** The slow-start threshold, in segments. */
    public int ssthresh = INFINITE_SSTHRESH;
    /**
     * The pacing rate, in bytes per second ({@code sk->sk_pacing_rate}), as {@link #updatePacingRate} last set
     * it; {@link #UNLIMITED_PACING_RATE} until then.
     */
    public long pacingRateBytesPerSec = UNLIMITED_PACING_RATE;

    /** @return true while in slow start ({@code tcp_in_slow_start}) */
    public boolean inSlowStart() {
        return cwnd < ssthresh;
    }

    /**
     * Slow start ({@code tcp_slow_start}): the window grows by one per acknowledged segment up to ssthresh.
     *
     * @param acked segments acknowledged
     * @return the segments left over for congestion avoidance
     */
    public int slowStart(final int acked) {
        final int target = (int) Math.min((long) cwnd + acked, ssthresh);
        final int left = acked - (target - cwnd);
        cwnd = target;
        return left;
    }

    /**
     * Additive increase ({@code tcp_cong_avoid_ai}): one segment per {@code w} acknowledged segments.
     *
     * @param w segments per increase, at least 1
     * @param acked segments acknowledged
     */
    public void congAvoidAi(final int w, final int acked) {
        if (cwndCnt >= w) {
            cwndCnt = 0;
            cwnd++;
        }
        cwndCnt += acked;
        if (cwndCnt >= w) {
            final int delta = cwndCnt / w;
            cwndCnt -= delta * w;
            cwnd += delta;
        }
    }

    /**
     * {@code tcp_update_pacing_rate} (net/ipv4/tcp_input.c, 6.18), run at the end of each ACK's processing
     * ({@code tcp_cong_control}): {@code mss * ratio / 100 * max(cwnd, packets_out) / srtt}, with ratio
     * {@link #PACING_SS_RATIO} while {@code cwnd < ssthresh / 2}, else {@link #PACING_CA_RATIO}, in Linux's
     * integer arithmetic ({@code srtt_us} in eighths of a microsecond, truncated). Without an RTT sample
     * ({@code srtt_us} 0) Linux skips the division, and so does this. Sets {@link #pacingRateBytesPerSec}
     * ({@code sk_max_pacing_rate} is unlimited; a product beyond a {@code long} saturates to
     * {@link #UNLIMITED_PACING_RATE}).
     *
     * @param mssBytes the effective MSS ({@code mss_cache}), in bytes
     * @param packetsOut segments sent and not yet acknowledged ({@code packets_out})
     * @param srttNs the smoothed RTT, in nanoseconds (0 before the first sample)
     */
    public void updatePacingRate(final int mssBytes, final long packetsOut, final long srttNs) {
        long rate = mssBytes * PACING_SCALE * (cwnd < ssthresh / 2 ? PACING_SS_RATIO : PACING_CA_RATIO);
        final long segments = Math.max(cwnd, packetsOut);
        if (segments > 0 && rate > UNLIMITED_PACING_RATE / segments) {
            rate = UNLIMITED_PACING_RATE;
        } else {
            rate *= segments;
        }
        final long srttEighthsUs = srttNs / NS_PER_SRTT_UNIT;
        if (srttEighthsUs != 0 && rate != UNLIMITED_PACING_RATE) {
            rate /= srttEighthsUs;
        }
        pacingRateBytesPerSec = rate;
    }
}
