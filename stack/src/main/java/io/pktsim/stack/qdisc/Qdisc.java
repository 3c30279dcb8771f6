package io.pktsim.stack.qdisc;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.trace.TraceBus;

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

    /** {@link #enqueue(int, long, long)}'s "no flow hash given": the qdisc computes it as {@link #enqueue} does. */
    long NO_FLOW_HASH = -1L;

    /**
     * Enqueues a packet whose flow hash the caller already knows (a qdisc that hashes flows uses it instead of
     * computing it from the headers; the packet's own skb hash, if set, still comes first). The caller must give
     * exactly the hash the qdisc would compute, or {@link #NO_FLOW_HASH}.
     *
     * @param handle the packet
     * @param nowNs simulated time
     * @param flowHash the hash in the low 32 bits (0..2^32-1), or {@link #NO_FLOW_HASH}
     * @return as {@link #enqueue(int, long)}
     */
    default int enqueue(final int handle, final long nowNs, final long flowHash) {
        return enqueue(handle, nowNs);
    }

    /**
     * {@link #enqueue(int, long, long)} then {@link #dequeue} at the same time, for a port that is idle: the same
     * state change, packets and counters as the two calls (a qdisc may do both in one pass when it is empty).
     *
     * @param handle the packet
     * @param nowNs simulated time
     * @param flowHash as {@link #enqueue(int, long, long)}
     * @return what {@link #dequeue} returns
     */
    default int enqueueIdle(final int handle, final long nowNs, final long flowHash) {
        enqueue(handle, nowNs, flowHash);
        return dequeue(nowNs);
    }

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

    /**
     * Publishes this qdisc's decisions (its drops) on a trace bus; a qdisc without any publishes nothing.
     *
     * @param bus the bus
     * @param component the component name, e.g. {@code "eth0:qdisc"}
     */
    default void trace(final TraceBus bus, final String component) {
    }
}
