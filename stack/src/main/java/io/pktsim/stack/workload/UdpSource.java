package io.pktsim.stack.workload;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.random.RandomStream;
import io.pktsim.stack.endpoint.PacketSink;

/**
 * A UDP traffic source: datagrams of a fixed payload size at a rate in bits/s (of UDP payload, as iperf's
 * {@code -b}), spaced as constant bit rate, as a Poisson process (exponential gaps of the same mean), or
 * on/off (constant bit rate during exponentially distributed on periods, silent during exponentially
 * distributed off periods). Each datagram is a real frame (Ethernet, IPv4 or IPv6, UDP with a correct
 * checksum); its creation time is stored in the packet's {@code timestampNs} so a {@link UdpSink} can measure
 * the one-way delay.
 *
 * <p>The CBR spacing is exact: the k-th datagram leaves at {@code floor(k * bits * 10^9 / rate)} ns after
 * the start, so no rounding drift accumulates. Random gaps come from the named stream given. Nothing
 * allocates per datagram.
 */
public final class UdpSource {

    /** Constant bit rate. */
    public static final int CBR = 0;
    /** Poisson arrivals (exponential gaps). */
    public static final int POISSON = 1;
    /** On/off: CBR during exponential on periods, nothing during exponential off periods. */
    public static final int ON_OFF = 2;

    private static final long NS_PER_S = 1_000_000_000L;
    private static final long ON_OFF_TOGGLE = -1;

    private final String name;
    private final EventLoop loop;
    private final PacketStore store;
    private final PacketBuilder builder;
    private final int mode;
    private final long rateBps;
    private final int payloadBytes;
    private final RandomStream random;
    private final long meanOnNs;
    private final long meanOffNs;
    private final int kind;
    private PacketSink out;

    private boolean v6;
    private long srcMac;
    private long dstMac;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int sport;
    private int dport;
    private int flowLabel;

    private long startNs;
    private long stopNs;
    private long k;
    private long epochNs;
    private boolean on;
    private long onUntilNs;
    private long sentPackets;
    private long sentBytes;
    private long storeFullDrops;

    /**
     * Creates a stopped source.
     *
     * @param name a name for reports and events
     * @param loop the event loop
     * @param store the packet store
     * @param mode {@link #CBR}, {@link #POISSON} or {@link #ON_OFF}
     * @param rateBps the rate of UDP payload while sending, in bits/s
     * @param payloadBytes the UDP payload per datagram, in bytes
     * @param random the stream for Poisson gaps and on/off periods (may be null for CBR)
     * @param meanOnNs the mean on period, in nanoseconds (on/off only)
     * @param meanOffNs the mean off period, in nanoseconds (on/off only)
     */
    public UdpSource(final String name, final EventLoop loop, final PacketStore store, final int mode,
        final long rateBps, final int payloadBytes, final RandomStream random, final long meanOnNs,
        final long meanOffNs) {
        if (mode < CBR || mode > ON_OFF || rateBps <= 0 || payloadBytes < 0 || payloadBytes > 65507
            || (mode != CBR && random == null) || (mode == ON_OFF && (meanOnNs <= 0 || meanOffNs <= 0))) {
            throw new IllegalArgumentException("UdpSource " + name + ": mode " + mode + " (0..2), rate "
                + rateBps + " bit/s (> 0), payload " + payloadBytes + " bytes (0..65507), on/off means "
                + meanOnNs + "/" + meanOffNs + " ns (> 0 for on/off); Poisson and on/off need a random stream");
        }
        this.name = name;
        this.loop = loop;
        this.store = store;
        this.builder = new PacketBuilder(store);
        this.mode = mode;
        this.rateBps = rateBps;
        this.payloadBytes = payloadBytes;
        this.random = random;
        this.meanOnNs = meanOnNs;
        this.meanOffNs = meanOffNs;
        this.kind = loop.register(this::onEvent, name);
    }

    /**
     * Sets IPv4 addresses and ports.
     *
     * @param srcMacAddr source MAC
     * @param dstMacAddr destination MAC
     * @param src source address
     * @param dst destination address
     * @param srcPort source port
     * @param dstPort destination port
     * @return this
     */
    public UdpSource bindIpv4(final long srcMacAddr, final long dstMacAddr, final int src, final int dst,
        final int srcPort, final int dstPort) {
        v6 = false;
        srcMac = srcMacAddr;
        dstMac = dstMacAddr;
        srcLo = src & 0xFFFF_FFFFL;
        dstLo = dst & 0xFFFF_FFFFL;
        sport = srcPort;
        dport = dstPort;
        return this;
    }

    /**
     * Sets IPv6 addresses, ports and flow label.
     *
     * @param srcMacAddr source MAC
     * @param dstMacAddr destination MAC
     * @param sHi source high 64 bits
     * @param sLo source low 64 bits
     * @param dHi destination high 64 bits
     * @param dLo destination low 64 bits
     * @param srcPort source port
     * @param dstPort destination port
     * @param label the flow label
     * @return this
     */
    public UdpSource bindIpv6(final long srcMacAddr, final long dstMacAddr, final long sHi, final long sLo,
        final long dHi, final long dLo, final int srcPort, final int dstPort, final int label) {
        v6 = true;
        srcMac = srcMacAddr;
        dstMac = dstMacAddr;
        srcHi = sHi;
        srcLo = sLo;
        dstHi = dHi;
        dstLo = dLo;
        sport = srcPort;
        dport = dstPort;
        flowLabel = label & 0xFFFFF;
        return this;
    }

    /**
     * @param sink where datagrams go
     * @return this
     */
    public UdpSource output(final PacketSink sink) {
        out = sink;
        return this;
    }

    /**
     * Starts sending.
     *
     * @param fromNs the first datagram's time, in nanoseconds
     * @param untilNs no datagram at or after this time, in nanoseconds
     */
    public void start(final long fromNs, final long untilNs) {
        if (out == null) {
            throw new IllegalStateException("UdpSource " + name + ": no output sink");
        }
        startNs = fromNs;
        stopNs = untilNs;
        k = 0;
        epochNs = fromNs;
        on = true;
        onUntilNs = mode == ON_OFF ? fromNs + random.nextExponentialNs(meanOnNs) : Long.MAX_VALUE;
        if (fromNs < untilNs) {
            loop.schedule(fromNs, kind, 0, 0);
        }
    }

    /** The exact CBR gap arithmetic: offset of the k-th datagram from the epoch, floor(k bits 1e9 / rate). */
    private long cbrOffsetNs(final long index) {
        final long a = index * 8L * payloadBytes;
        final long q = a / rateBps;
        final long r = a % rateBps;
        final long frac = r < Long.MAX_VALUE / NS_PER_S ? r * NS_PER_S / rateBps
            : (long) ((double) r * NS_PER_S / rateBps);
        return q * NS_PER_S + frac;
    }

    private void onEvent(final int target, final long arg, final long nowNs) {
        if (arg == ON_OFF_TOGGLE) {
            // an off period ended
            on = true;
            epochNs = nowNs;
            k = 0;
            onUntilNs = nowNs + random.nextExponentialNs(meanOnNs);
        }
        if (nowNs >= stopNs) {
            return;
        }
        if (mode == ON_OFF && nowNs >= onUntilNs) {
            on = false;
            final long offEnd = nowNs + random.nextExponentialNs(meanOffNs);
            if (offEnd < stopNs) {
                loop.schedule(offEnd, kind, 0, ON_OFF_TOGGLE);
            }
            return;
        }
        send(nowNs);
        final long nextNs;
        if (mode == POISSON) {
            nextNs = nowNs + random.nextExponentialNs(8.0 * payloadBytes * NS_PER_S / rateBps);
        } else {
            k++;
            nextNs = epochNs + cbrOffsetNs(k);
        }
        if (nextNs < stopNs) {
            loop.schedule(nextNs, kind, 0, 0);
        }
    }

    private void send(final long nowNs) {
        final PacketBuilder pb = builder.reset().ethernet(srcMac, dstMac);
        if (v6) {
            pb.ipv6(srcHi, srcLo, dstHi, dstLo).flowLabel(flowLabel);
        } else {
            pb.ipv4((int) srcLo, (int) dstLo);
        }
        final int h = pb.udp(sport, dport).payload(payloadBytes).build();
        if (h == PacketStore.NO_PACKET) {
            storeFullDrops++;
            return;
        }
        store.timestampNs(h, nowNs);
        sentPackets++;
        sentBytes += payloadBytes;
        out.accept(h, nowNs);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return datagrams sent */
    public long sentPackets() {
        return sentPackets;
    }

    /** @return UDP payload bytes sent */
    public long sentBytes() {
        return sentBytes;
    }

    /** @return datagrams not sent because the packet store was full */
    public long storeFullDrops() {
        return storeFullDrops;
    }

    /** @return the time sending started, in nanoseconds */
    public long startNs() {
        return startNs;
    }

    /** @return whether an on/off source is in an on period */
    public boolean isOn() {
        return on;
    }
}
