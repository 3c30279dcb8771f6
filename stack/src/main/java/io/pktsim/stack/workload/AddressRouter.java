package io.pktsim.stack.workload;

import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.Ipv6View;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.stack.endpoint.PacketSink;
import org.agrona.MutableDirectBuffer;

/**
 * Routes a packet to one of several sinks by an address in its real IP header: the low 32 bits of the
 * source or destination address (the IPv4 address, or the interface-identifier end of an IPv6 address) minus a
 * base give the index. The ISP side uses it to send a packet to its server's link, or back to the dial that
 * owns the client's public address. An address out of range is freed and counted. Nothing allocates.
 */
public final class AddressRouter implements PacketSink {

    private final PacketStore store;
    private final boolean bySource;
    private final int base;
    private final PacketSink[] sinks;
    private long unmatched;

    /**
     * @param store the packet store
     * @param bySource true to route by the source address, false by the destination
     * @param base the low 32 bits of the address of index 0
     * @param sinks one sink per index
     */
    public AddressRouter(final PacketStore store, final boolean bySource, final int base, final PacketSink[] sinks) {
        this.store = store;
        this.bySource = bySource;
        this.base = base;
        this.sinks = sinks.clone();
    }

    @Override
    public void accept(final int packet, final long nowNs) {
        final MutableDirectBuffer b = store.buffer();
        final int nh = store.networkHeaderOffset(packet);
        final int at;
        if ((b.getByte(nh) & 0xF0) == 0x60) {
            at = nh + (bySource ? Ipv6View.SRC_OFFSET : Ipv6View.DST_OFFSET) + 12;
        } else {
            at = nh + (bySource ? Ipv4View.SRC_OFFSET : Ipv4View.DST_OFFSET);
        }
        final int index = b.getInt(at, java.nio.ByteOrder.BIG_ENDIAN) - base;
        if (index < 0 || index >= sinks.length) {
            unmatched++;
            store.free(packet);
            return;
        }
        sinks[index].accept(packet, nowNs);
    }

    /** @return packets whose address matched no index */
    public long unmatched() {
        return unmatched;
    }
}
