package io.pktsim.stack.endpoint;

/**
 * Reno congestion avoidance ({@code tcp_reno_cong_avoid}, {@code tcp_reno_ssthresh}, net/ipv4/tcp_cong.c,
 * 6.18): slow start, then one segment per window of acknowledged segments; half the window on a loss. The
 * NewReno part (RFC 6582 fast recovery with partial ACKs) lives in {@link TcpEndpoint}.
 */
public final class NewReno implements CongestionControl {

    @Override
    public void reset() {
        // stateless
    }

    @Override
    public void congAvoid(final TcpWindow w, final int acked, final long nowNs, final long minRttNs) {
        int left = acked;
        if (w.inSlowStart()) {
            left = w.slowStart(acked);
            if (left == 0) {
                return;
            }
        }
        w.congAvoidAi(w.cwnd, left);
    }

    @Override
    public int ssthresh(final int cwnd) {
        return Math.max(cwnd >> 1, 2);
    }

    @Override
    public int pktsAcked(final TcpWindow w, final long rttNs, final long sndUna, final long sndNxt,
        final long nowNs) {
        // Reno keeps no RTT state and has no HyStart
        return 0;
    }

    @Override
    public void onTimeout(final long sndNxt, final long nowNs) {
        // stateless
    }

    @Override
    public String name() {
        return "reno";
    }
}
