package io.pktsim.stack.gro;

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
}
