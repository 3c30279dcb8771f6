package io.pktsim.stack.workload;

import io.pktsim.core.counter.Distribution;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.header.UdpView;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.endpoint.PacketSink;
import org.agrona.MutableDirectBuffer;

/**
 * The receiving end of a {@link UdpSource}: counts datagrams and UDP payload bytes (goodput), the one-way
 * delay of each (from the creation time the source stored) in a fixed-range histogram, and the loss against
 * its source. Constant memory; nothing allocates per datagram.
 */
public final class UdpSink implements PacketSink {

    private final PacketStore store;
    private final UdpSource source;
    private final Distribution delayUs = new Distribution("udp_one_way_delay", "us", 60_000_000L, 2);
    private long packets;
    private long bytes;
    private long firstNs = -1;
    private long lastNs;

    /**
     * @param store the packet store
     * @param source the source whose loss this sink reports (may be null)
     */
    public UdpSink(final PacketStore store, final UdpSource source) {
        this.store = store;
        this.source = source;
    }

    @Override
    public void accept(final int packet, final long nowNs) {
        final MutableDirectBuffer b = store.buffer();
        final int nh = store.networkHeaderOffset(packet);
        final int th = (b.getByte(nh) & 0xF0) == 0x60 ? nh + Ipv6View.LENGTH
            : nh + ((b.getByte(nh + Ipv4View.VERSION_IHL_OFFSET) & 0x0F) << 2);
        final int payload = (b.getShort(th + UdpView.LENGTH_OFFSET, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF)
            - UdpView.LENGTH;
        packets++;
        bytes += payload;
        if (firstNs < 0) {
            firstNs = nowNs;
        }
        lastNs = nowNs;
        delayUs.record((nowNs - store.timestampNs(packet)) / 1000);
        store.free(packet);
    }

    /** @return datagrams received */
    public long packets() {
        return packets;
    }

    /** @return UDP payload bytes received */
    public long bytes() {
        return bytes;
    }

    /** @return datagrams the source sent that did not arrive (in flight ones count until they land) */
    public long lostPackets() {
        return source == null ? 0 : source.sentPackets() - packets;
    }

    /** @return the one-way delay distribution, in microseconds */
    public Distribution delayUs() {
        return delayUs;
    }

    /**
     * Goodput over a window.
     *
     * @param durationNs the window, in nanoseconds
     * @return payload bits per second
     */
    public double goodputBps(final long durationNs) {
        return durationNs <= 0 ? 0 : bytes * 8e9 / durationNs;
    }

    /** @return the arrival time of the first datagram, in ns, or -1 */
    public long firstNs() {
        return firstNs;
    }

    /** @return the arrival time of the latest datagram, in ns */
    public long lastNs() {
        return lastNs;
    }
}
