package io.pktsim.stack.endpoint;

/**
 * A congestion-control algorithm in the shape of Linux's {@code struct tcp_congestion_ops}
 * (include/net/tcp.h, 6.18): it owns the growth of the congestion window in congestion avoidance and the
 * slow-start threshold after a loss. Windows are in segments, as {@code tp->snd_cwnd}. One instance per
 * connection; nothing allocates after construction.
 */
public interface CongestionControl {

    /** HyStart's ACK-train detector, Linux's {@code HYSTART_ACK_TRAIN} (net/ipv4/tcp_cubic.c, 6.18). */
    int HYSTART_ACK_TRAIN = 0x1;
    /** HyStart's delay-increase detector, Linux's {@code HYSTART_DELAY} (net/ipv4/tcp_cubic.c, 6.18). */
    int HYSTART_DELAY = 0x2;

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
     * An RTT sample from an ACK ({@code pkts_acked}); CUBIC's HyStart watches it in slow start. Called once per
     * ACK that acknowledged new data and gave a sample, after the sample updated SRTT and before
     * {@link #congAvoid}, as {@code tcp_clean_rtx_queue} does.
     *
     * @param window the window (HyStart may set {@code ssthresh} to end slow start; it reads
     *     {@code window.pacingRateBytesPerSec}, the rate the previous ACK left)
     * @param rttNs the sample, in nanoseconds
     * @param sndUna the first unacknowledged stream offset after this ACK ({@code snd_una})
     * @param sndNxt one past the highest stream offset sent ({@code snd_nxt}: Linux's does not move back after
     *     a timeout, so this is the endpoint's highest offset sent, not its go-back-N send pointer)
     * @param nowNs the simulated time of the ACK, in nanoseconds ({@code tcp_mstamp})
     * @return the HyStart detectors that ended slow start on this sample, as bits {@link #HYSTART_ACK_TRAIN}
     *     and {@link #HYSTART_DELAY} (both when both fired on it); 0 when none did, always 0 without HyStart
     */
    int pktsAcked(TcpWindow window, long rttNs, long sndUna, long sndNxt, long nowNs);

    /**
     * The retransmission timer fired ({@code set_state(TCP_CA_Loss)}, from {@code tcp_enter_loss}).
     *
     * @param sndNxt one past the highest stream offset sent ({@code snd_nxt}, which the timeout does not move)
     * @param nowNs the simulated time, in nanoseconds
     */
    void onTimeout(long sndNxt, long nowNs);

    /** @return the name as {@code net.ipv4.tcp_congestion_control} spells it */
    String name();
}
