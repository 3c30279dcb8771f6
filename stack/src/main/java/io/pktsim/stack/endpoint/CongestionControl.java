package io.pktsim.stack.endpoint;

/**
 * A congestion-control algorithm in the shape of Linux's {@code struct tcp_congestion_ops}
 * (include/net/tcp.h, 6.18): it owns the growth of the congestion window in congestion avoidance and the
 * slow-start threshold after a loss. Windows are in segments, as {@code tp->snd_cwnd}. One instance per
 * connection; nothing allocates after construction.
 */
public interface CongestionControl {

    /** Back to the state of a new connection ({@code init}). */
    void reset();

    /**
     * Grows the window for newly acknowledged segments ({@code cong_avoid}); slow start included.
     *
     * @param window the window, read and written: {@code window.cwnd}, {@code window.cwndCnt},
     *     {@code window.ssthresh}
     * @param acked segments newly acknowledged
     * @param nowNs the simulated time, in nanoseconds
     * @param minRttNs the smallest RTT seen, in nanoseconds (0 if none yet)
     */
    void congAvoid(TcpWindow window, int acked, long nowNs, long minRttNs);

    /**
     * The slow-start threshold after a loss ({@code ssthresh}); may remember the window at the loss.
     *
     * @param cwnd the congestion window at the loss, in segments
     * @return the new threshold, in segments, at least 2
     */
    int ssthresh(int cwnd);

    /**
     * An RTT sample from an ACK ({@code pkts_acked}); CUBIC's HyStart watches it in slow start.
     *
     * @param window the window (HyStart may set {@code ssthresh} to end slow start)
     * @param rttNs the sample, in nanoseconds
     * @param sndUna the first unacknowledged stream offset after this ACK
     * @param sndNxt the next stream offset to send
     * @param nowNs the simulated time, in nanoseconds
     */
    void pktsAcked(TcpWindow window, long rttNs, long sndUna, long sndNxt, long nowNs);

    /** The retransmission timer fired ({@code set_state(TCP_CA_Loss)}). */
    void onTimeout();

    /** @return the name as {@code net.ipv4.tcp_congestion_control} spells it */
    String name();
}
