package io.pktsim.stack.qdisc;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.trace.TraceBus;
import org.agrona.MutableDirectBuffer;

/**
 * {@code pfifo_fast} (net/sched/sch_generic.c, Linux 6.18): three FIFO bands served in strict priority, band 0
 * first. A packet's band is {@code prio2band[skb->priority & TC_PRIO_MAX]}; a forwarded IPv4 packet's priority
 * is {@code rt_tos2priority(tos)} ({@code ip_forward}, net/ipv4/route.c {@code ip_tos2prio}), so TOS 0x10
 * (low delay) goes to band 0, TOS 0 to band 1 and TOS 0x08 (throughput) to band 2; other packets have priority
 * 0 (band 1). Each band is a ring of {@code tx_queue_len} (1000) packets; a packet for a full band is dropped
 * ({@link QdiscCounter#DROP_OVERLIMIT}). Allocation-free.
 */
public final class PfifoFast implements Qdisc {

    /** {@code DEFAULT_TX_QUEUE_LEN}. */
    public static final int DEFAULT_TX_QUEUE_LEN = 1000;
    private static final int[] PRIO2BAND = {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
    private static final int[] IP_TOS2PRIO = {0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4};

    private final PacketStore store;
    private final int limit;
    private final int[] head = {PacketStore.NO_PACKET, PacketStore.NO_PACKET, PacketStore.NO_PACKET};
    private final int[] tail = new int[3];
    private final int[] count = new int[3];
    private long backlog;
    private final Counters<QdiscCounter> counters = new Counters<>(QdiscCounter.class);
    private TraceBus trace = TraceBus.disabled();
    private int traceComponent;
    private int kindDrop;

    /**
     * @param store the packets
     * @param txQueueLen the device's {@code tx_queue_len}: the length of each band
     */
    public PfifoFast(final PacketStore store, final int txQueueLen) {
        this.store = store;
        this.limit = txQueueLen;
    }

    /**
     * The band of a packet: {@code prio2band[rt_tos2priority(tos)]} for IPv4, band 1 otherwise.
     *
     * @param store the packets
     * @param handle the packet, network offset set
     * @return 0, 1 or 2
     */
    public static int band(final PacketStore store, final int handle) {
        final int net = store.networkOffset(handle);
        if (net < 0) {
            return PRIO2BAND[0];
        }
        final MutableDirectBuffer b = store.buffer();
        final int at = store.frameOffset(handle) + net;
        if ((b.getByte(at) & 0xF0) != 0x40) {
            return PRIO2BAND[0];
        }
        final int tos = b.getByte(at + 1) & 0xFF;
        return PRIO2BAND[IP_TOS2PRIO[(tos & 0x1E) >>> 1]];
    }

    /**
     * Publishes every drop on a trace bus: {@code qdisc_drop} with the packet (freed right after), the reason
     * (1 over the limit, 2 over memory, 3 CoDel) and the queue length.
     *
     * @param bus the bus
     * @param component the component name, e.g. {@code "pppoe-wan1:qdisc"}
     */
    @Override
    public void trace(final TraceBus bus, final String component) {
        this.trace = bus;
        this.traceComponent = bus.names().component(component);
        this.kindDrop = bus.names().kind("qdisc_drop", "reason", "qlen");
    }

    private void traceDrop(final int handle, final int reason, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, traceComponent, kindDrop, handle, reason, qlen());
        }
    }

    @Override
    public int enqueue(final int handle, final long nowNs) {
        final int band = band(store, handle);
        if (count[band] >= limit) {
            traceDrop(handle, 1, nowNs);
            counters.increment(QdiscCounter.DROP_OVERLIMIT);
            counters.increment(QdiscCounter.DROPPED);
            store.free(handle);
            return NET_XMIT_DROP;
        }
        store.next(handle, PacketStore.NO_PACKET);
        if (head[band] == PacketStore.NO_PACKET) {
            head[band] = handle;
        } else {
            store.next(tail[band], handle);
        }
        tail[band] = handle;
        count[band]++;
        backlog += store.length(handle);
        counters.increment(QdiscCounter.ENQUEUED);
        return NET_XMIT_SUCCESS;
    }

    @Override
    public int dequeue(final long nowNs) {
        for (int band = 0; band < 3; band++) {
            final int h = head[band];
            if (h != PacketStore.NO_PACKET) {
                head[band] = store.next(h);
                store.next(h, PacketStore.NO_PACKET);
                count[band]--;
                backlog -= store.length(h);
                counters.increment(QdiscCounter.DEQUEUED);
                return h;
            }
        }
        return PacketStore.NO_PACKET;
    }

    /**
     * @param band 0..2
     * @return packets queued in the band
     */
    public int bandLength(final int band) {
        return count[band];
    }

    @Override
    public int qlen() {
        return count[0] + count[1] + count[2];
    }

    @Override
    public long backlogBytes() {
        return backlog;
    }

    @Override
    public Counters<QdiscCounter> counters() {
        return counters;
    }
}
