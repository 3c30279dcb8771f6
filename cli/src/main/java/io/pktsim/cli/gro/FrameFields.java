package io.pktsim.cli.gro;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;

/** Reads the JSON fields of an output packet from its frame. Off the hot path (allocates). */
final class FrameFields {

    Long seq;
    Integer ipId;
    List<String> flags;
    int payloadLen;

    private FrameFields() {
    }

    /** Reads the fields of a packet whose network / transport offsets are set (transport -1 if none). */
    static FrameFields of(final PacketStore store, final int h, final int totalLength) {
        final FrameFields r = new FrameFields();
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(h);
        final int net = store.networkOffset(h);
        final int l4 = store.transportOffset(h);
        int ipEnd = totalLength;
        if (net >= 0) {
            final int ip = f + net;
            if ((b.getByte(ip) & 0xF0) == 0x40) {
                r.ipId = b.getShort(ip + 4, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
                ipEnd = Math.min(totalLength, net + (b.getShort(ip + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF));
                final int fragWord = b.getShort(ip + 6, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF;
                if ((fragWord & 0x3FFF) != 0) {
                    // a fragment: its transport bytes
                    r.payloadLen = ipEnd - net - ((b.getByte(ip) & 0x0F) << 2);
                    if ((fragWord & 0x1FFF) != 0) {
                        return r;
                    }
                }
            }
        }
        if (l4 >= 0 && store.protocol(h) != 0 && isTcp(store, h)) {
            final TcpView tcp = new TcpView().wrap(b, f + l4);
            r.seq = tcp.seq() & 0xFFFFFFFFL;
            r.flags = new ArrayList<>();
            for (int bit = 0; bit < 8; bit++) {
                if ((tcp.flags() & (1 << bit)) != 0) {
                    r.flags.add(TcpView.flagName(bit));
                }
            }
            if (r.payloadLen == 0) {
                r.payloadLen = Math.max(0, ipEnd - l4 - tcp.headerLength());
            }
        } else if (r.payloadLen == 0 && net >= 0) {
            r.payloadLen = Math.max(0, totalLength - net);
        }
        return r;
    }

    private static boolean isTcp(final PacketStore store, final int h) {
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(h);
        final int inner = store.innerNetworkOffset(h);
        final int ip = f + (inner >= 0 ? inner : store.networkOffset(h));
        if ((b.getByte(ip) & 0xF0) == 0x40) {
            return (b.getByte(ip + 9) & 0xFF) == 6;
        }
        int nh = b.getByte(ip + 6) & 0xFF;
        int off = 40;
        while (nh == 0 || nh == 43 || nh == 60) {
            nh = b.getByte(ip + off) & 0xFF;
            off += ((b.getByte(ip + off + 1) & 0xFF) + 1) << 3;
        }
        return nh == 6 && f + store.transportOffset(h) == ip + off;
    }
}
