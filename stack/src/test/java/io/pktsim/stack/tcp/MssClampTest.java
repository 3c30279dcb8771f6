package io.pktsim.stack.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

class MssClampTest {

    final PacketStore store = new PacketStore(16, 256, 64);
    final PacketBuilder pb = new PacketBuilder(store);
    final MssClamp clamp = new MssClamp();

    byte[] bytes(final int h) {
        final byte[] out = new byte[store.storedLength(h)];
        store.buffer().getBytes(store.frameOffset(h), out);
        return out;
    }

    int mssOf(final int h) {
        return new TcpView().wrap(store.buffer(), store.transportHeaderOffset(h)).mssOption();
    }

    @Test
    void shouldClampAnOutgoingSynTo1452OnAPppoeDial() {
        final int syn = pb.reset().tcp(40000, 443, 1000, 0, TcpView.SYN).mss(1460).windowScale(7).sackPermitted(true)
            .timestamps(1, 0).build();
        final int expected = pb.reset().tcp(40000, 443, 1000, 0, TcpView.SYN).mss(1452).windowScale(7)
            .sackPermitted(true).timestamps(1, 0).build();
        assertThat(clamp.clampToPmtu(store, syn, 1492, 1500)).isEqualTo(MssClampCounter.CLAMPED);
        assertThat(mssOf(syn)).isEqualTo(1452);
        assertThat(bytes(syn)).isEqualTo(bytes(expected));
        assertThat(new TcpView().wrap(store.buffer(), store.transportHeaderOffset(syn)).checksum())
            .isEqualTo(new TcpView().wrap(store.buffer(), store.transportHeaderOffset(expected)).checksum());
    }

    @Test
    void shouldClampAnIncomingSynAckThroughTheReverseRouteMtu() {
        final int synAck = pb.reset().tcp(443, 40000, 5, 1001, TcpView.SYN | TcpView.ACK).mss(1460).build();
        final int expected = pb.reset().tcp(443, 40000, 5, 1001, TcpView.SYN | TcpView.ACK).mss(1452).build();
        assertThat(clamp.clampToPmtu(store, synAck, 1500, 1492)).isEqualTo(MssClampCounter.CLAMPED);
        assertThat(bytes(synAck)).isEqualTo(bytes(expected));
    }

    @Test
    void shouldNeverRaiseTheMssNorTouchNonSyns() {
        final int small = pb.reset().tcp(1, 2, 3, 0, TcpView.SYN).mss(1400).build();
        final byte[] before = bytes(small);
        assertThat(clamp.clampToPmtu(store, small, 1492, 1500)).isEqualTo(MssClampCounter.NOT_LOWERED);
        assertThat(bytes(small)).isEqualTo(before);
        final int ack = pb.reset().tcp(1, 2, 3, 4, TcpView.ACK).payload(100).build();
        assertThat(clamp.clampToPmtu(store, ack, 1492, 1500)).isEqualTo(MssClampCounter.NOT_MATCHED);
        final int rst = pb.reset().tcp(1, 2, 3, 4, TcpView.SYN | TcpView.RST).mss(1460).build();
        assertThat(clamp.clampToPmtu(store, rst, 1492, 1500)).isEqualTo(MssClampCounter.NOT_MATCHED);
        final int udp = pb.reset().udp(1, 2).build();
        assertThat(clamp.clampToPmtu(store, udp, 1492, 1500)).isEqualTo(MssClampCounter.NOT_MATCHED);
        assertThat(clamp.counters().get(MssClampCounter.NOT_MATCHED)).isEqualTo(3);
    }

    @Test
    void shouldClampIpv6To1432() {
        final int syn = pb.reset().ipv6(1, 2, 3, 4).tcp(40000, 443, 1, 0, TcpView.SYN).mss(1440).build();
        final int expected = pb.reset().ipv6(1, 2, 3, 4).tcp(40000, 443, 1, 0, TcpView.SYN).mss(1432).build();
        assertThat(clamp.clampToPmtu(store, syn, 1492, 1500)).isEqualTo(MssClampCounter.CLAMPED);
        assertThat(bytes(syn)).isEqualTo(bytes(expected));
    }

    @Test
    void shouldAddA536OptionToASynWithoutOne() {
        final int syn = pb.reset().tcp(40000, 443, 1, 0, TcpView.SYN).windowScale(7).build();
        final int expected = pb.reset().tcp(40000, 443, 1, 0, TcpView.SYN).mss(536).windowScale(7).build();
        assertThat(clamp.clampToPmtu(store, syn, 1492, 1500)).isEqualTo(MssClampCounter.OPTION_ADDED);
        assertThat(store.length(syn)).isEqualTo(store.length(expected));
        assertThat(bytes(syn)).isEqualTo(bytes(expected));
        assertThat(new Ipv4View().wrap(store.buffer(), store.networkHeaderOffset(syn)).checksumValid()).isTrue();
        final int withData = pb.reset().tcp(40000, 443, 1, 0, TcpView.SYN).payload(10).storePayload(true, 0)
            .build();
        assertThat(clamp.clampToPmtu(store, withData, 1492, 1500)).isEqualTo(MssClampCounter.OPTION_NOT_ADDED);
    }

    @Test
    void shouldDropOnATinyMtu() {
        final int syn = pb.reset().tcp(1, 2, 3, 0, TcpView.SYN).mss(1460).build();
        assertThat(clamp.clampToPmtu(store, syn, 40, 1500)).isEqualTo(MssClampCounter.DROPPED);
    }

    @Test
    void shouldNotAllocate() {
        final int syn = pb.reset().tcp(40000, 443, 1000, 0, TcpView.SYN).mss(1460).build();
        final TcpView tcp = new TcpView();
        final Runnable work = () -> {
            tcp.wrap(store.buffer(), store.transportHeaderOffset(syn)).mssOption(1460);
            clamp.clampToPmtu(store, syn, 1492, 1500);
        };
        AllocationMeter.assertNoAllocation("mss clamp", work);
        assertThat(clamp.counters().get(MssClampCounter.CLAMPED)).isGreaterThan(10_000);
    }
}
