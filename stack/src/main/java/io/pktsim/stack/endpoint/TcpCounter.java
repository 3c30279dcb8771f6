package io.pktsim.stack.endpoint;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of one {@link TcpEndpoint} (both its sending and its receiving half). */
public enum TcpCounter implements CounterDescriptor {
    /** Segments sent of any kind (SYN, data, pure ACK, FIN). */
    SEGMENTS_SENT("segments_sent", "TCP segments handed to the network, every kind"),
    /** Segments carrying payload sent, retransmissions included. */
    DATA_SEGMENTS_SENT("data_segments_sent", "segments with payload sent, retransmissions included"),
    /** Payload bytes sent for the first time. */
    DATA_BYTES_SENT("data_bytes_sent", "payload bytes sent for the first time"),
    /** Segments with payload sent again (fast retransmit, partial ACK, after an RTO). */
    RETRANSMITTED_SEGMENTS("retransmitted_segments", "segments with payload sent again"),
    /** Payload bytes sent again. */
    RETRANSMITTED_BYTES("retransmitted_bytes", "payload bytes sent again"),
    /** Fast retransmits on the third duplicate ACK (tcp_fastretrans_alert, RFC 6582 step 2). */
    FAST_RETRANSMITS("fast_retransmits", "entries into fast recovery on the third duplicate ACK"),
    /** Retransmission timeouts (tcp_retransmit_timer, RFC 6298 5.4-5.7). */
    TIMEOUTS("timeouts", "retransmission timer expiries with data or SYN/FIN outstanding"),
    /** Duplicate ACKs received. */
    DUP_ACKS_RECEIVED("dup_acks_received", "ACKs that acknowledged nothing new while data was outstanding"),
    /** ACKs received that acknowledged new data. */
    ACKS_RECEIVED("acks_received", "ACKs that advanced snd_una"),
    /** Pure ACKs sent (no payload, no SYN/FIN). */
    PURE_ACKS_SENT("pure_acks_sent", "ACK segments without payload, SYN or FIN"),
    /** Pure ACKs sent by the delayed-ACK timer (tcp_delack_timer). */
    DELAYED_ACKS("delayed_acks", "ACKs sent when the delayed-ACK timer expired"),
    /** Segments with payload received. */
    DATA_SEGMENTS_RECEIVED("data_segments_received", "segments with payload received"),
    /** Payload bytes delivered in order to the application. */
    BYTES_DELIVERED("bytes_delivered", "payload bytes delivered in order to the application"),
    /** Segments received beyond rcv_nxt and queued out of order. */
    OUT_OF_ORDER_SEGMENTS("out_of_order_segments", "segments received beyond rcv_nxt"),
    /** Segments received entirely below rcv_nxt (already delivered). */
    DUPLICATE_SEGMENTS("duplicate_segments", "segments whose payload was all delivered already"),
    /** Segments dropped by the receiver: beyond the window, or the out-of-order queue full. */
    RECEIVE_DROPS("receive_drops", "segments dropped beyond the receive window or with the ofo queue full"),
    /** Segments that could not be built because the packet store was full. */
    STORE_FULL_DROPS("store_full_drops", "segments not sent because the packet store had no free slot"),
    /** RTT samples taken (Karn's rule: none from retransmitted segments). */
    RTT_SAMPLES("rtt_samples", "round-trip time samples taken"),
    /** Slow starts ended by HyStart's ACK-train detector (CUBIC; Linux MIB TCPHystartTrainDetect). */
    HYSTART_TRAIN_DETECT("hystart_train_detect", "slow starts ended by HyStart's ACK-train detector"),
    /** Sum of the cwnd at those ends, in segments (TCPHystartTrainCwnd). */
    HYSTART_TRAIN_CWND("hystart_train_cwnd", "sum of cwnd, in segments, when the ACK train ended slow start"),
    /** Slow starts ended by HyStart's delay detector (CUBIC; Linux MIB TCPHystartDelayDetect). */
    HYSTART_DELAY_DETECT("hystart_delay_detect", "slow starts ended by HyStart's delay-increase detector"),
    /** Sum of the cwnd at those ends, in segments (TCPHystartDelayCwnd). */
    HYSTART_DELAY_CWND("hystart_delay_cwnd", "sum of cwnd, in segments, when the RTT increase ended slow start");

    private final String label;
    private final String description;

    TcpCounter(final String label, final String description) {
        this.label = label;
        this.description = description;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String description() {
        return description;
    }
}
