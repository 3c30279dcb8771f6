package io.pktsim.stack.workload;

import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.endpoint.PacketSink;
import org.agrona.MutableDirectBuffer;

/**
 * Hands each TCP or UDP packet to the endpoint bound to one of its ports, read from the real header bytes:
 * the destination port at a client host ({@code __inet_lookup_established} by the local port), or the source
 * port at a server, where every client port is unique in a simulation. A packet for no bound port is freed
 * and counted ({@link #unmatched()}), as a host would answer with a RST. Nothing allocates.
 */
public final class PortDemux implements PacketSink {

    private final PacketStore store;
    private final boolean bySource;
    private final PacketSink[] byPort = new PacketSink[65536];
    private long unmatched;

    /**
     * @param store the packet store
     * @param bySource true to demultiplex by the source port, false by the destination port
     */
    public PortDemux(final PacketStore store, final boolean bySource) {
        this.store = store;
        this.bySource = bySource;
    }

    /**
     * Binds a port.
     *
     * @param port 0..65535
     * @param sink the endpoint, or null to unbind
     */
    public void bind(final int port, final PacketSink sink) {
        byPort[port] = sink;
    }

    /**
     * @param port 0..65535
     * @return whether a sink is bound to it
     */
    public boolean isBound(final int port) {
        return byPort[port] != null;
    }

    @Override
    public void accept(final int packet, final long nowNs) {
        final MutableDirectBuffer b = store.buffer();
        final int nh = store.networkHeaderOffset(packet);
        final int th = (b.getByte(nh) & 0xF0) == 0x60 ? nh + Ipv6View.LENGTH
            : nh + ((b.getByte(nh + Ipv4View.VERSION_IHL_OFFSET) & 0x0F) << 2);
        final int port = b.getShort(th + (bySource ? 0 : 2), java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
        final PacketSink sink = byPort[port];
        if (sink == null) {
            unmatched++;
            store.free(packet);
            return;
        }
        sink.accept(packet, nowNs);
    }

    /** @return packets that matched no bound port */
    public long unmatched() {
        return unmatched;
    }
}
