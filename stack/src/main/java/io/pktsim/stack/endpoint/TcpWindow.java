package io.pktsim.stack.endpoint;

/**
 * The congestion window of one connection, in segments, as in {@code struct tcp_sock}: {@code snd_cwnd},
 * {@code snd_cwnd_cnt} and {@code snd_ssthresh}, with Linux's {@code tcp_slow_start()} and
 * {@code tcp_cong_avoid_ai()} (net/ipv4/tcp_cong.c, 6.18).
 */
public final class TcpWindow {

    /** Linux's {@code TCP_INFINITE_SSTHRESH}. */
    public static final int INFINITE_SSTHRESH = 0x7fffffff;

    /** The congestion window, in segments. */
    public int cwnd;
    /** Acknowledged segments counted toward the next increase in congestion avoidance. */
    public int cwndCnt;
    /** The slow-start threshold, in segments. */
    public int ssthresh = INFINITE_SSTHRESH;

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
}
