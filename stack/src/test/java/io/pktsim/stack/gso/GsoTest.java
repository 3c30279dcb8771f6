package io.pktsim.stack.gso;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.nic.offload.Tso;
import org.junit.jupiter.api.Test;

class GsoTest {

    private final PacketStore store = new PacketStore(256, 2048, 64);
    private final PacketBuilder pb = new PacketBuilder(store);
    private final Ipv4View ip = new Ipv4View();
    private final TcpView tcp = new TcpView();
    private final List<Integer> out = new ArrayList<>();

    private int superPacket(final boolean v6, final int payload, final int mss, final int flags, final int id,
        final boolean df, final int gsoTypeExtra) {
        pb.reset().tcp(40000, 80, 1000, 1, flags).payload(payload).ipId(id).fragWord(df ? 0x4000 : 0)
            .timestamps(1, 2).checksumMode(PacketBuilder.CSUM_PARTIAL);
        if (v6) {
            pb.ipv6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2);
        }
        final int h = pb.build();
        store.gsoSize(h, mss);
        store.gsoSegs(h, (payload + mss - 1) / mss);
        store.gsoType(h, (v6 ? PacketStore.GSO_TCPV6 : PacketStore.GSO_TCPV4) | gsoTypeExtra);
        return h;
    }

    private SoftwareGso gso(final boolean txCsum) {
        return new SoftwareGso(store, new OffloadFeatures().txChecksum(txCsum), new Counters<>(GsoCounter.class));
    }

    private int payloadOf(final int h) {
        return store.length(h) - store.transportOffset(h) - tcp.wrap(store.buffer(), store.transportHeaderOffset(h))
            .headerLength();
    }

    private boolean tcpChecksumValid(final int h) {
        final int t = store.transportHeaderOffset(h);
        ip.wrap(store.buffer(), store.networkHeaderOffset(h));
        final int len = store.length(h) - store.transportOffset(h);
        final long pseudo = InetChecksum.pseudoIpv4(ip.src(), ip.dst(), 6, len);
        return InetChecksum.fold(InetChecksum.sum(store.buffer(), t, store.storedLength(h) - store.transportOffset(h),
            pseudo)) == 0xFFFF;
    }

    @Test
    void shouldCutAtGsoSizeWithTheRemainderLast() {
        final int h = superPacket(false, 5000, 1448, TcpView.ACK | TcpView.PSH | TcpView.FIN, 1000, true, 0);
        assertThat(gso(false).transmit(h, out::add)).isEqualTo(4);
        final List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            final int g = out.get(i);
            sizes.add(payloadOf(g));
            ip.wrap(store.buffer(), store.networkHeaderOffset(g));
            tcp.wrap(store.buffer(), store.transportHeaderOffset(g));
            assertThat(ip.id()).isEqualTo(1000 + i);
            assertThat(ip.checksumValid()).isTrue();
            assertThat(tcp.seq()).isEqualTo(1000 + 1448 * i);
            assertThat(tcp.flags() & (TcpView.PSH | TcpView.FIN)).isEqualTo(i == 3 ? TcpView.PSH | TcpView.FIN : 0);
            assertThat(tcp.timestampValue()).isEqualTo(1);
            assertThat(tcpChecksumValid(g)).isTrue();
        }
        assertThat(sizes).containsExactly(1448, 1448, 1448, 656);
    }

    @Test
    void shouldMake45SegmentsOf65000Bytes() {
        final PacketStore big = new PacketStore(64, 256, 64);
        final PacketBuilder b = new PacketBuilder(big);
        final int h = b.tcp(1, 2, 0, 0, TcpView.ACK).payload(65000).checksumMode(PacketBuilder.CSUM_PARTIAL).build();
        big.gsoSize(h, 1448);
        big.gsoType(h, PacketStore.GSO_TCPV4);
        final SoftwareGso g = new SoftwareGso(big, new OffloadFeatures(), new Counters<>(GsoCounter.class));
        final List<Integer> lens = new ArrayList<>();
        assertThat(g.transmit(h, s -> {
            lens.add(big.length(s) - 54);
            big.free(s);
        })).isEqualTo(45);
        assertThat(lens.get(44)).isEqualTo(1288);
        assertThat(big.inUse()).isZero();
    }

    @Test
    void shouldWrapIdsAndKeepFixedIds() {
        gso(false).transmit(superPacket(false, 400, 100, TcpView.ACK, 65534, false, 0), out::add);
        final List<Integer> ids = new ArrayList<>();
        out.forEach(g -> ids.add(ip.wrap(store.buffer(), store.networkHeaderOffset(g)).id()));
        assertThat(ids).containsExactly(65534, 65535, 0, 1);
        out.clear();
        ids.clear();
        gso(false).transmit(superPacket(false, 300, 100, TcpView.ACK, 7, false, PacketStore.GSO_TCP_FIXEDID), out::add);
        out.forEach(g -> ids.add(ip.wrap(store.buffer(), store.networkHeaderOffset(g)).id()));
        assertThat(ids).containsExactly(7, 7, 7);
    }

    @Test
    void shouldKeepCwrOnTheFirstSegmentOnlyUnlessAccecn() {
        gso(false).transmit(superPacket(false, 300, 100, TcpView.ACK | TcpView.CWR | TcpView.ECE, 1, true, 0),
            out::add);
        final List<Integer> flags = new ArrayList<>();
        out.forEach(g -> flags.add(tcp.wrap(store.buffer(), store.transportHeaderOffset(g)).flags()));
        assertThat(flags).containsExactly(0xD0, 0x50, 0x50);
        out.clear();
        flags.clear();
        gso(false).transmit(superPacket(false, 300, 100, TcpView.ACK | TcpView.CWR, 1, true,
            PacketStore.GSO_TCP_ACCECN), out::add);
        out.forEach(g -> flags.add(tcp.wrap(store.buffer(), store.transportHeaderOffset(g)).flags()));
        assertThat(flags).containsExactly(0x90, 0x90, 0x90);
    }

    @Test
    void shouldLeavePseudoHeaderSumsWithTxChecksumming() {
        gso(true).transmit(superPacket(false, 300, 100, TcpView.ACK, 1, true, 0), out::add);
        for (final int g : out) {
            ip.wrap(store.buffer(), store.networkHeaderOffset(g));
            final int expect = InetChecksum.fold(InetChecksum.pseudoIpv4(ip.src(), ip.dst(), 6, 132));
            assertThat(tcp.wrap(store.buffer(), store.transportHeaderOffset(g)).checksum()).isEqualTo(expect);
            assertThat(store.checksumState(g)).isEqualTo(ChecksumState.PARTIAL);
        }
    }

    @Test
    void shouldCutUdpGsoInSoftwareAndDropOneNoLongerThanGsoSize() {
        final Counters<GsoCounter> counters = new Counters<>(GsoCounter.class);
        final SoftwareGso g = new SoftwareGso(store, new OffloadFeatures().tso(true).tso6(true), counters);
        final int h = pb.reset().udp(40000, 9000).payload(2500).checksumMode(PacketBuilder.CSUM_PARTIAL).build();
        store.networkOffset(h, 14);
        store.transportOffset(h, 34);
        store.gsoSize(h, 1000);
        store.gsoType(h, PacketStore.GSO_UDP_L4);
        // no device segments UDP (tx-udp-segmentation): software GSO even with TSO
        assertThat(g.needsSoftwareGso(h)).isTrue();
        assertThat(g.transmit(h, out::add)).isEqualTo(3);
        assertThat(out).extracting(store::length).containsExactly(1042, 1042, 542);
        // __udp_gso_segment(): -EINVAL for a payload not longer than gso_size, and validate_xmit_skb() drops it
        final int one = pb.reset().udp(40000, 9000).payload(1000).checksumMode(PacketBuilder.CSUM_PARTIAL).build();
        store.networkOffset(one, 14);
        store.transportOffset(one, 34);
        store.gsoSize(one, 1000);
        store.gsoType(one, PacketStore.GSO_UDP_L4);
        assertThat(g.transmit(one, out::add)).isZero();
        assertThat(counters.get(GsoCounter.DROPPED)).isEqualTo(1);
        assertThat(out).hasSize(3);
    }

    @Test
    void shouldLeaveGsoToTsoWhenTheDeviceCanSegment() {
        final OffloadFeatures f = new OffloadFeatures().tso(true);
        final SoftwareGso g = new SoftwareGso(store, f, new Counters<>(GsoCounter.class));
        final int h = superPacket(false, 3000, 1448, TcpView.ACK, 1, true, 0);
        assertThat(g.needsSoftwareGso(h)).isFalse();
        final int fixedNoDf = superPacket(false, 3000, 1448, TcpView.ACK, 1, false, PacketStore.GSO_TCP_FIXEDID);
        assertThat(Tso.canSegment(store, fixedNoDf, f.tsoMangleId(true))).as("MANGLEID masked without DF").isFalse();
        final Tso tso = new Tso(store, f);
        final int first = tso.transmit(h);
        int n = 0;
        for (int s = first; s != PacketStore.NO_PACKET; s = store.next(s)) {
            assertThat(tcpChecksumValid(s)).isTrue();
            n++;
        }
        assertThat(n).isEqualTo(3);
    }

    @Test
    void shouldDropIpv6AndDfTooBigWithIcmpAndFragmentTheRest() {
        final ForwardOutput fwd = new ForwardOutput(store, new OffloadFeatures());
        assertThat(fwd.forward(superPacket(true, 2896, 1448, TcpView.ACK, 0, true, 0), 1500, out::add))
            .isEqualTo(ForwardOutput.DROPPED_PACKET_TOO_BIG);
        assertThat(fwd.lastIcmp().kind()).isEqualTo(IcmpNotice.PACKET_TOO_BIG);
        assertThat(fwd.forward(superPacket(false, 2920, 1460, TcpView.ACK, 0, true, 0), 1500, out::add))
            .isEqualTo(ForwardOutput.DROPPED_FRAG_NEEDED);
        assertThat(fwd.lastIcmp().mtuBytes()).isEqualTo(1500);
        assertThat(out).isEmpty();
        assertThat(fwd.forward(superPacket(false, 2920, 1460, TcpView.ACK, 40, false, 0), 1500, out::add))
            .isEqualTo(ForwardOutput.FRAGMENTED);
        final List<Integer> totLens = new ArrayList<>();
        final List<Integer> ids = new ArrayList<>();
        for (final int g : out) {
            ip.wrap(store.buffer(), store.networkHeaderOffset(g));
            totLens.add(ip.totalLength());
            ids.add(ip.id());
            assertThat(ip.checksumValid()).isTrue();
        }
        assertThat(totLens).containsExactly(1500, 32, 1500, 32);
        assertThat(ids).containsExactly(40, 40, 41, 41);
        assertThat(fwd.counters().get(GsoCounter.FRAGMENTS)).isEqualTo(4);
    }

    @Test
    void shouldDropLroPacketsWhenForwarding() {
        final ForwardOutput fwd = new ForwardOutput(store, new OffloadFeatures());
        final int h = superPacket(false, 3000, 1448, TcpView.ACK, 1, true, 0);
        store.gsoType(h, 0);
        assertThat(fwd.forward(h, 1500, out::add)).isEqualTo(ForwardOutput.DROPPED_LRO);
        assertThat(store.inUse()).isZero();
    }

    /** OpenWrt's pppoe_gso_segment(): the inner TCP aggregate cut as any other, each segment its own PPPoE length. */
    @Test
    void shouldGiveEachSegmentOfAPppoeSuperPacketItsOwnPppoeLength() {
        for (final boolean v6 : new boolean[] {false, true}) {
            out.clear();
            pb.reset().pppoe(0x1234).tcp(40000, 80, 1000, 1, TcpView.ACK).payload(5000).timestamps(1, 2)
                .checksumMode(PacketBuilder.CSUM_PARTIAL);
            if (v6) {
                pb.ipv6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2);
            }
            final int h = pb.build();
            store.gsoSize(h, 1448);
            store.gsoType(h, v6 ? PacketStore.GSO_TCPV6 : PacketStore.GSO_TCPV4);
            assertThat(gso(false).transmit(h, out::add)).isEqualTo(4);
            final int ipHeader = v6 ? 40 : 20;
            final List<Integer> pppoeLengths = new ArrayList<>();
            final List<Integer> ipLengths = new ArrayList<>();
            for (final int g : out) {
                final int f = store.frameOffset(g);
                assertThat(store.buffer().getShort(f + 12, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF).isEqualTo(0x8864);
                assertThat(store.buffer().getShort(f + 16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF).isEqualTo(0x1234);
                pppoeLengths.add(store.buffer().getShort(f + 18, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF);
                ipLengths.add(v6 ? 40 + (store.buffer().getShort(f + 22 + 4, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF)
                    : store.buffer().getShort(f + 22 + 2, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF);
                assertThat(store.length(g)).isEqualTo(22 + ipLengths.get(ipLengths.size() - 1));
                store.free(g);
            }
            final int hdr = ipHeader + 32;
            assertThat(ipLengths).as("v6 %s", v6).containsExactly(hdr + 1448, hdr + 1448, hdr + 1448, hdr + 656);
            assertThat(pppoeLengths).as("PPPoE length = segment length - (14 + 6)")
                .containsExactly(hdr + 1450, hdr + 1450, hdr + 1450, hdr + 658);
        }
        assertThat(store.inUse()).isZero();
    }
}
