package io.pktsim.stack.qdisc;

import io.pktsim.core.counter.Counters;

/**
 * A queueing discipline of one transmit queue ({@code struct Qdisc_ops} enqueue/dequeue,
 * include/net/sch_generic.h, Linux 6.18). Packets are handles of one {@code PacketStore}, chained through
 * their {@code next} field while queued; a dropped packet is freed and counted. Allocation-free.
 */
public interface Qdisc {

    /** {@code NET_XMIT_SUCCESS}. */
    int NET_XMIT_SUCCESS = 0;
    /** {@code NET_XMIT_DROP}: the packet was dropped. */
    int NET_XMIT_DROP = 1;
    /** {@code NET_XMIT_CN}: congestion: this packet's flow lost packets (maybe this one). */
    int NET_XMIT_CN = 2;

    /**
     * Enqueues a packet.
     *
     * @param handle the packet (its length is {@code qdisc_pkt_len})
     * @param nowNs simulated time
     * @return {@link #NET_XMIT_SUCCESS}, {@link #NET_XMIT_DROP} or {@link #NET_XMIT_CN}
     */
    int enqueue(int handle, long nowNs);

    /**
     * Dequeues the next packet to transmit (may drop packets on the way, counted).
     *
     * @param nowNs simulated time
     * @return the packet, or {@code PacketStore.NO_PACKET} if none
     */
    int dequeue(long nowNs);

    /** @return packets queued */
    int qlen();

    /** @return bytes queued */
    long backlogBytes();

    /** @return the counters */
    Counters<QdiscCounter> counters();
}
