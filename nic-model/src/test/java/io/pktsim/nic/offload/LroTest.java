package io.pktsim.nic.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.junit.jupiter.api.Test;

class LroTest {

    private final PacketStore store = new PacketStore(64, 256, 64);
    private final PacketBuilder pb = new PacketBuilder(store);
    private final List<Integer> up = new ArrayList<>();

    private int seg(final int seq, final int ack, final int window, final int flags, final int ttl) {
        return pb.reset().tcp(1, 2, seq, ack, flags).window(window).ttl(ttl).timestamps(10 + seq, 99).payload(100)
            .build();
    }

    @Test
    void shouldMergeAndOverwriteAckAndWindowWithTheLatest() {
        final Lro lro = new Lro(store, new OffloadFeatures().lro(true), 64, 8, 1500, (h, t) -> up.add(h));
        lro.receive(seg(0, 1, 100, TcpView.ACK, 64), 0);
        lro.receive(seg(100, 2, 200, TcpView.ACK | TcpView.PSH, 63), 0);
        lro.receive(seg(200, 3, 300, TcpView.ACK, 62), 0);
        lro.flushAll(0);
        assertThat(up).hasSize(1);
        final int h = up.get(0);
        final TcpView tcp = new TcpView().wrap(store.buffer(), store.frameOffset(h) + 34);
        assertThat(tcp.ack()).isEqualTo(3);
        assertThat(tcp.window()).isEqualTo(300);
        assertThat(tcp.flags() & TcpView.PSH).isNotZero();
        final Ipv4View ip = new Ipv4View().wrap(store.buffer(), store.frameOffset(h) + 14);
        assertThat(ip.totalLength()).isEqualTo(20 + 32 + 300);
        assertThat(store.gsoSegs(h)).isEqualTo(3);
        assertThat(store.gsoType(h)).as("LRO sets no gso_type").isZero();
    }

    @Test
    void shouldPassEverythingOnceForwardingDisabledLro() {
        final OffloadFeatures f = new OffloadFeatures().lro(true);
        final Lro lro = new Lro(store, f, 64, 8, 1500, (h, t) -> up.add(h));
        assertThat(f.devDisableLro()).isTrue();
        lro.receive(seg(0, 1, 100, TcpView.ACK, 64), 0);
        lro.receive(seg(100, 1, 100, TcpView.ACK, 64), 0);
        lro.flushAll(0);
        assertThat(up).hasSize(2);
        assertThat(lro.counters().get(OffloadCounter.LRO_PASSED)).isEqualTo(2);
    }

    @Test
    void shouldRefuseFinAndSequenceGaps() {
        final Lro lro = new Lro(store, new OffloadFeatures().lro(true), 64, 8, 1500, (h, t) -> up.add(h));
        lro.receive(seg(0, 1, 100, TcpView.ACK, 64), 0);
        lro.receive(seg(150, 1, 100, TcpView.ACK, 64), 0);
        lro.receive(seg(250, 1, 100, TcpView.ACK | TcpView.FIN, 64), 0);
        lro.flushAll(0);
        assertThat(up).hasSize(3);
    }
}
