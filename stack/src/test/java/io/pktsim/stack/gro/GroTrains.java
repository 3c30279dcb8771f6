package io.pktsim.stack.gro;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;

/** Builds TCP segment trains with the sim-core PacketBuilder (headers stored, payload reads as zeros). */
final class GroTrains {

    static final int V4 = 0;
    static final int V6 = 1;
    static final int IPIP = 2;

    private GroTrains() {
    }

    /** One segment of flow {@code flow}; DF per flag, ID given, payload bytes. */
    static int segment(final PacketBuilder pb, final int family, final int flow, final int seq, final int payload,
        final int flags, final int ipId, final boolean df, final boolean timestamps) {
        pb.reset().tcp(40000 + flow, 80, seq, 7, flags).payload(payload).ipId(ipId)
            .fragWord(df ? 0x4000 : 0);
        if (family == V6) {
            pb.ipv6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2);
        } else if (family == IPIP) {
            pb.outerIpv4(0xC0A8_0001, 0xC0A8_0002);
        }
        if (timestamps) {
            pb.timestamps(1234, 5678);
        }
        final int h = pb.build();
        return h;
    }

    static int ack() {
        return TcpView.ACK;
    }

    static void receiveState(final PacketStore store, final int h, final int hash, final boolean l4Hash) {
        store.hash(h, hash, l4Hash ? PacketStore.HASH_L4 : PacketStore.HASH_NONE);
        store.checksumState(h, ChecksumState.NONE);
    }

    /** A datagram of 10.0.0.1:40000 to 10.0.0.2:5001 (DF, IP ID 0, TTL 64) in CHECKSUM_NONE, receive hash 7. */
    static int udpDatagram(final PacketBuilder pb, final PacketStore store, final int payload) {
        final int h = pb.reset().udp(40000, 5001).payload(payload).build();
        receiveState(store, h, 7, true);
        return h;
    }

    /** The segment counts of the packets GRO passed up (1 for a packet that went up alone). */
    static List<Integer> segmentCounts(final PacketStore store, final List<Integer> up) {
        final List<Integer> segs = new ArrayList<>();
        for (final int h : up) {
            segs.add(Math.max(1, store.gsoSegs(h)));
        }
        return segs;
    }
}
