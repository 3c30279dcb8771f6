package io.pktsim.stack.workload;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.link.LinkDirection;
import io.pktsim.stack.endpoint.PacketSink;

/**
 * A drop-tail FIFO queue in front of one {@link LinkDirection}: an access port, a bottleneck, a server's
 * uplink. A packet is accepted if the bytes still waiting to be serialised plus its own wire bytes fit the
 * queue limit, else it is dropped at the tail ({@code pfifo}'s {@code limit} in bytes, as
 * {@code bfifo_enqueue}, net/sched/sch_fifo.c, 6.18). An accepted packet arrives at the next sink one wire
 * time plus one propagation delay after the link is free (the link's exact serialisation arithmetic).
 *
 * <p>The queue occupancy is derived from the link's busy-until time, so the queue needs no array: the packets
 * in it are the pending delivery events. Nothing allocates per packet.
 */
public final class LinkPipe implements PacketSink {

    private final String name;
    private final EventLoop loop;
    private final PacketStore store;
    private final LinkDirection link;
    private final long queueLimitBytes;
    private final int kind;
    private final Counters<PipeCounter> counters = new Counters<>(PipeCounter.class);
    private PacketSink next;

    /**
     * Creates an idle pipe.
     *
     * @param name a name for reports and events
     * @param loop the event loop
     * @param store the packet store
     * @param rateBps the line rate, in bits/s
     * @param propagationDelayNs the one-way propagation delay, in nanoseconds
     * @param queueLimitBytes the queue limit in wire bytes (frame plus 24 bytes of FCS, preamble and gap);
     *     {@link Long#MAX_VALUE} for no limit
     * @param next where packets go after the link (may be set later with {@link #next(PacketSink)})
     */
    public LinkPipe(final String name, final EventLoop loop, final PacketStore store, final long rateBps,
        final long propagationDelayNs, final long queueLimitBytes, final PacketSink next) {
        if (queueLimitBytes < LinkDirection.wireBytes(1514)) {
            throw new IllegalArgumentException("LinkPipe " + name + ": queue limit " + queueLimitBytes
                + " bytes must hold at least one 1514-byte frame (1538 wire bytes)");
        }
        this.name = name;
        this.loop = loop;
        this.store = store;
        this.link = new LinkDirection(name, rateBps, propagationDelayNs);
        this.queueLimitBytes = queueLimitBytes;
        this.next = next;
        this.kind = loop.register(this::deliver, name);
    }

    /**
     * @param sink where packets go after the link
     * @return this
     */
    public LinkPipe next(final PacketSink sink) {
        next = sink;
        return this;
    }

    @Override
    public void accept(final int packet, final long nowNs) {
        final int len = store.length(packet);
        final long waitingBytes = backlogBytes(nowNs);
        final int wire = LinkDirection.wireBytes(len);
        if (waitingBytes + wire > queueLimitBytes) {
            counters.increment(PipeCounter.PACKETS_DROPPED);
            counters.add(PipeCounter.BYTES_DROPPED, len);
            store.free(packet);
            return;
        }
        counters.max(PipeCounter.QUEUE_MAX_BYTES, waitingBytes + wire);
        counters.increment(PipeCounter.PACKETS_SENT);
        counters.add(PipeCounter.BYTES_SENT, len);
        final long arrival = link.transmit(nowNs, len);
        loop.schedule(arrival, kind, 0, packet);
    }

    /**
     * The wire bytes not yet serialised at a time: the queue, the frame on the wire included.
     *
     * @param nowNs the simulated time, in nanoseconds
     * @return bytes, rounded up
     */
    public long backlogBytes(final long nowNs) {
        final long busyNs = link.busyUntilNs() - nowNs;
        if (busyNs <= 0) {
            return 0;
        }
        if (busyNs > Long.MAX_VALUE / link.rateBps()) {
            return Long.MAX_VALUE / 2;
        }
        final long bits = busyNs * link.rateBps();
        return (bits + 8_000_000_000L - 1) / 8_000_000_000L;
    }

    private void deliver(final int target, final long arg, final long nowNs) {
        next.accept((int) arg, nowNs);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the link direction (frames, bytes, wire bytes sent) */
    public LinkDirection link() {
        return link;
    }

    /** @return the counters */
    public Counters<PipeCounter> counters() {
        return counters;
    }
}
