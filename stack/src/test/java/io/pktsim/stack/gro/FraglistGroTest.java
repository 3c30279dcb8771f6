package io.pktsim.stack.gro;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.offload.TcpSegmenter;
import org.junit.jupiter.api.Test;

/** Fraglist GRO (rx-gro-list) for forwarded flows, and segment-list GSO giving the segments back. */
class FraglistGroTest {

    private final PacketStore store = new PacketStore(256, 256, 64);
    private final PacketBuilder pb = new PacketBuilder(store);
    private final List<Integer> up = new ArrayList<>();

    private GroTable table(final GroSocketLookup lookup) {
        return new GroTable(store, new GroConfig().rxGroList(true).socketLookup(lookup), (h, r, t) -> up.add(h));
    }

    private int seg(final int seq, final int flags, final int id) {
        final int h = GroTrains.segment(pb, GroTrains.V4, 0, seq, 100, flags, id, true, true);
        GroTrains.receiveState(store, h, 7, true);
        return h;
    }

    @Test
    void shouldChainForwardedSegmentsAndSplitThemBackUnchanged() {
        final GroTable gro = table(GroSocketLookup.FORWARD_ALL);
        final List<byte[]> originals = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            final int h = seg(100 * i, TcpView.ACK | (i == 4 ? TcpView.PSH : 0), 3 + i);
            final byte[] f = new byte[store.length(h)];
            store.getFrame(h, f, 0, f.length);
            originals.add(f);
            gro.receive(h, 0);
        }
        gro.onPollEnd(5, 64, 0);
        // PSH differs from the held head: fraglist GRO refuses it (the full flag word must match)
        assertThat(up).hasSize(2);
        final int agg = up.get(0);
        assertThat(store.gsoSegs(agg)).isEqualTo(4);
        assertThat(store.gsoType(agg) & PacketStore.GSO_FRAGLIST).isNotZero();
        assertThat(store.checksumState(agg)).isEqualTo(ChecksumState.UNNECESSARY);
        assertThat(new Ipv4View().wrap(store.buffer(), store.networkHeaderOffset(agg)).totalLength())
            .isEqualTo(20 + 32 + 400);
        final TcpSegmenter seg = new TcpSegmenter(store);
        assertThat(seg.segment(agg, false)).isEqualTo(4);
        int i = 0;
        for (int g = seg.first(); g != PacketStore.NO_PACKET; g = store.next(g), i++) {
            final byte[] f = new byte[store.length(g)];
            store.getFrame(g, f, 0, f.length);
            assertThat(f).as("segment %d", i).isEqualTo(originals.get(i));
        }
        assertThat(i).isEqualTo(4);
    }

    /**
     * A forwarded fraglist aggregate as the live kernel splits it (lb's RouterFraglistLiveKernelTest): forwarding
     * decremented the head's TTL alone, so the later segments leave with the TTL they came with, and
     * {@code inet_gso_segment()} numbers the IPv4 IDs from the head's, even for a flow whose IDs were all equal.
     */
    @Test
    void shouldGiveForwardedSegmentsTheirOwnTtlAndIdsNumberedFromTheHead() {
        final GroTable gro = table(GroSocketLookup.FORWARD_ALL);
        for (int i = 0; i < 4; i++) {
            gro.receive(seg(100 * i, TcpView.ACK, 0), 0);
        }
        gro.onPollEnd(4, 64, 0);
        assertThat(up).hasSize(1);
        final int agg = up.get(0);
        assertThat(store.gsoSegs(agg)).isEqualTo(4);
        final Ipv4View ip = new Ipv4View();
        // ip_forward() on the aggregate: the head's TTL only
        ip.wrap(store.buffer(), store.networkHeaderOffset(agg)).decrementTtl();
        final TcpSegmenter seg = new TcpSegmenter(store);
        assertThat(seg.segment(agg, false)).isEqualTo(4);
        int i = 0;
        for (int g = seg.first(); g != PacketStore.NO_PACKET; g = store.next(g), i++) {
            ip.wrap(store.buffer(), store.networkHeaderOffset(g));
            assertThat(ip.ttl()).as("segment %d's TTL", i).isEqualTo(i == 0 ? 63 : 64);
            assertThat(ip.id()).as("segment %d's ID", i).isEqualTo(i);
            assertThat(ip.checksumValid()).isTrue();
        }
        assertThat(i).isEqualTo(4);
    }

    @Test
    void shouldUseOrdinaryGroForFlowsWithALocalSocket() {
        final GroTable gro = table((s, h) -> true);
        gro.receive(seg(0, TcpView.ACK, 1), 0);
        gro.receive(seg(100, TcpView.ACK, 2), 0);
        gro.onPollEnd(2, 64, 0);
        assertThat(up).hasSize(1);
        assertThat(store.gsoType(up.get(0)) & PacketStore.GSO_FRAGLIST).isZero();
        assertThat(store.next(up.get(0))).isEqualTo(PacketStore.NO_PACKET);
    }

    @Test
    void shouldStopAFraglistAggregateAt64Segments() {
        final PacketStore big = new PacketStore(512, 256, 64);
        final PacketBuilder b = new PacketBuilder(big);
        final List<Integer> out = new ArrayList<>();
        final GroTable gro = new GroTable(big, new GroConfig().rxGroList(true), (h, r, t) -> out.add(h));
        for (int i = 0; i < 70; i++) {
            final int h = b.reset().tcp(1, 2, 10 * i, 0, TcpView.ACK).payload(10).build();
            big.hash(h, 3, PacketStore.HASH_L4);
            gro.receive(h, 0);
        }
        assertThat(out).as("the 65th segment completes the 64-segment aggregate").hasSize(1);
        gro.onPollEnd(70, 128, 0);
        assertThat(out).hasSize(2);
        assertThat(big.gsoSegs(out.get(0))).isEqualTo(64);
        assertThat(big.gsoSegs(out.get(1))).isEqualTo(6);
    }
}
