package io.pktsim.stack.gso;

import java.nio.ByteOrder;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/**
 * IPv4 fragmentation of an outgoing packet, the slow path of {@code ip_do_fragment()} (net/ipv4/ip_output.c,
 * Linux 6.18): each fragment carries the link and IPv4 header (no options are modelled), at most MTU bytes of
 * IP, data in multiples of 8 bytes except the last, the original ID, MF on all but the last, its own total
 * length and header checksum. The stored payload bytes are copied as far as they exist.
 */
public final class Ipv4Fragmenter {

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private final PacketStore store;
    private final MutableDirectBuffer buf;

    /**
     * Creates a fragmenter.
     *
     * @param store the store
     */
    public Ipv4Fragmenter(final PacketStore store) {
        this.store = store;
        this.buf = store.buffer();
    }

    /**
     * Fragments a packet whose IPv4 datagram exceeds the MTU (a packet that fits is handed on unchanged).
     *
     * @param handle the packet, network offset set (owned by this call)
     * @param mtuBytes the egress MTU
     * @param sink where the fragments go, in order
     * @return fragments handed on, or -1 if the store ran out of slots (the packet is dropped)
     */
    public int fragment(final int handle, final int mtuBytes, final GsoSink sink) {
        final PacketStore s = store;
        final MutableDirectBuffer b = buf;
        final int netOff = s.networkOffset(handle);
        final int f = s.frameOffset(handle);
        final int ip = f + netOff;
        final int ihl = (b.getByte(ip) & 0x0F) << 2;
        final int ipLen = s.length(handle) - netOff;
        if (ipLen <= mtuBytes) {
            sink.transmit(handle);
            return 1;
        }
        final int dataPerFrag = ((mtuBytes - ihl) >> 3) << 3;
        final int data = ipLen - ihl;
        final int n = (data + dataPerFrag - 1) / dataPerFrag;
        final int hdr = netOff + ihl;
        final int storedData = Math.max(0, Math.min(s.storedLength(handle), s.length(handle)) - hdr);
        final int origFrag = b.getShort(ip + 6, NET) & 0xFFFF;
        final int baseOffset = (origFrag & 0x1FFF) << 3;
        final int[] out = scratch(n);
        for (int i = 0; i < n; i++) {
            final int g = s.allocate();
            if (g == PacketStore.NO_PACKET) {
                for (int j = 0; j < i; j++) {
                    s.free(out[j]);
                }
                s.free(handle);
                return -1;
            }
            out[i] = g;
            final int off = i * dataPerFrag;
            final int len = Math.min(dataPerFrag, data - off);
            final int gf = s.frameOffset(g);
            b.putBytes(gf, b, f, hdr);
            final int room = s.dataCapacity() - s.headroom(g) - hdr;
            final int copy = Math.max(0, Math.min(Math.min(len, storedData - off), room));
            if (copy > 0) {
                b.putBytes(gf + hdr, b, f + hdr + off, copy);
            }
            s.storedLength(g, hdr + copy);
            s.length(g, hdr + len);
            s.protocol(g, s.protocol(handle));
            s.networkOffset(g, netOff);
            s.transportOffset(g, i == 0 ? s.transportOffset(handle) : -1);
            s.innerNetworkOffset(g, i == 0 ? s.innerNetworkOffset(handle) : -1);
            s.egressDevice(g, s.egressDevice(handle));
            s.mark(g, s.mark(handle));
            s.hash(g, s.hash(handle), s.hashType(handle));
            final int gip = gf + netOff;
            final boolean more = i < n - 1 || (origFrag & 0x2000) != 0;
            b.putShort(gip + 6, (short) ((origFrag & 0xC000) | (more ? 0x2000 : 0) | ((baseOffset + off) >> 3)),
                NET);
            b.putShort(gip + 2, (short) (ihl + len), NET);
            b.putShort(gip + 10, (short) 0);
            b.putShort(gip + 10, (short) InetChecksum.finish(InetChecksum.sum(b, gip, ihl, 0)), NET);
        }
        s.free(handle);
        for (int i = 0; i < n; i++) {
            sink.transmit(out[i]);
        }
        return n;
    }

    private int[] fragments = new int[64];

    private int[] scratch(final int n) {
        if (fragments.length < n) {
            fragments = new int[Integer.highestOneBit(n) << 1];
        }
        return fragments;
    }
}
