package io.pktsim.stack.workload;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.endpoint.PacketSink;

/**
 * The rate limit of one PPPoE dial at the ISP's access server (BRAS): a token bucket of {@code rateBps} and
 * {@code burstBytes}, either shaping (a FIFO queue of {@code queueLimitBytes}; a packet leaves when the bucket
 * holds its size, as {@code tbf_dequeue}, net/sched/sch_tbf.c, 6.18) or policing (a packet without tokens is
 * dropped at once, as {@code tcf_police_act}, net/sched/act_police.c).
 *
 * <p>Tokens are counted exactly, in units of 10^-9 bit (a nanosecond at {@code rateBps} adds {@code rateBps}
 * units), and departure times are rounded up to the nanosecond with the remainder kept in the bucket, so the
 * long-run rate of a backlogged shaper is the configured rate exactly. A packet's size is its frame length
 * plus {@code overheadBytes} (e.g. to count PPPoE or ATM overhead as the BRAS does). Nothing allocates.
 */
public final class TokenBucketShaper implements PacketSink {

    private static final long UNITS_PER_BIT = 1_000_000_000L;

    private final String name;
    private final EventLoop loop;
    private final PacketStore store;
    private final long rateBps;
    private final long capUnits;
    private final long queueLimitBytes;
    private final boolean policer;
    private final int overheadBytes;
    private final int kind;
    private final Counters<PipeCounter> counters = new Counters<>(PipeCounter.class);
    private PacketSink next;

    private long tokens;
    private long lastNs;

    /**
     * Creates a shaper (or policer) with a full bucket.
     *
     * @param name a name for reports and events
     * @param loop the event loop
     * @param store the packet store
     * @param rateBps the token rate, in bits/s
     * @param burstBytes the bucket size, in bytes (at least one full frame)
     * @param queueLimitBytes the queue limit, in bytes (ignored when policing)
     * @param policer true to drop packets without tokens instead of queueing them
     * @param overheadBytes bytes added to each frame's length when charging tokens
     * @param next where conforming packets go
     */
    public TokenBucketShaper(final String name, final EventLoop loop, final PacketStore store, final long rateBps,
        final long burstBytes, final long queueLimitBytes, final boolean policer, final int overheadBytes,
        final PacketSink next) {
        if (rateBps <= 0 || rateBps > 1_000_000_000_000L || burstBytes < 1538 || burstBytes > 100_000_000L
            || queueLimitBytes < 0 || overheadBytes < 0) {
            throw new IllegalArgumentException("TokenBucketShaper " + name + ": rate " + rateBps
                + " bit/s (1..10^12), burst " + burstBytes + " bytes (1538..10^8), queue " + queueLimitBytes
                + " bytes (>= 0), overhead " + overheadBytes + " bytes (>= 0)");
        }
        this.name = name;
        this.loop = loop;
        this.store = store;
        this.rateBps = rateBps;
        this.capUnits = burstBytes * 8 * UNITS_PER_BIT;
        this.queueLimitBytes = queueLimitBytes;
        this.policer = policer;
        this.overheadBytes = overheadBytes;
        this.next = next;
        this.tokens = capUnits;
        this.kind = loop.register(this::release, name);
    }

    /**
     * @param sink where conforming packets go
     * @return this
     */
    public TokenBucketShaper next(final PacketSink sink) {
        next = sink;
        return this;
    }

    @Override
    public void accept(final int packet, final long nowNs) {
        final int len = store.length(packet);
        final long cost = (long) (len + overheadBytes) * 8 * UNITS_PER_BIT;
        final long t0 = Math.max(nowNs, lastNs);
        long have = tokens + (t0 - lastNs) * rateBps;
        if (have > capUnits || have < 0) {
            have = capUnits;
        }
        if (policer) {
            if (have < cost) {
                tokens = have;
                lastNs = t0;
                drop(packet, len);
                return;
            }
            tokens = have - cost;
            lastNs = t0;
            counters.increment(PipeCounter.PACKETS_SENT);
            counters.add(PipeCounter.BYTES_SENT, len);
            next.accept(packet, nowNs);
            return;
        }
        final long queued = backlogBytes(nowNs);
        if (queued + len > queueLimitBytes) {
            drop(packet, len);
            return;
        }
        long depart = t0;
        if (have < cost) {
            final long missing = cost - have;
            final long waitNs = (missing + rateBps - 1) / rateBps;
            depart = t0 + waitNs;
            have += waitNs * rateBps;
        }
        tokens = have - cost;
        lastNs = depart;
        counters.max(PipeCounter.QUEUE_MAX_BYTES, queued + len);
        counters.increment(PipeCounter.PACKETS_SENT);
        counters.add(PipeCounter.BYTES_SENT, len);
        if (depart == nowNs) {
            next.accept(packet, nowNs);
        } else {
            loop.schedule(depart, kind, 0, packet);
        }
    }

    private void drop(final int packet, final int len) {
        counters.increment(PipeCounter.PACKETS_DROPPED);
        counters.add(PipeCounter.BYTES_DROPPED, len);
        store.free(packet);
    }

    /**
     * The bytes waiting in the queue at a time (from the last departure time and the rate).
     *
     * @param nowNs the simulated time, in nanoseconds
     * @return bytes, rounded up
     */
    public long backlogBytes(final long nowNs) {
        final long waitNs = lastNs - nowNs;
        if (waitNs <= 0) {
            return 0;
        }
        if (waitNs > Long.MAX_VALUE / rateBps) {
            return Long.MAX_VALUE / 2;
        }
        return (waitNs * rateBps + 8 * UNITS_PER_BIT - 1) / (8 * UNITS_PER_BIT);
    }

    private void release(final int target, final long arg, final long nowNs) {
        next.accept((int) arg, nowNs);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the token rate, in bits/s */
    public long rateBps() {
        return rateBps;
    }

    /** @return the departure time of the latest accepted packet, in nanoseconds */
    public long lastDepartureNs() {
        return lastNs;
    }

    /** @return the counters */
    public Counters<PipeCounter> counters() {
        return counters;
    }
}
