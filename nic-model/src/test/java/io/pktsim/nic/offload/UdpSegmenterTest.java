package io.pktsim.nic.offload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * UDP GSO proper ({@code SKB_GSO_UDP_L4} without {@code SKB_GSO_FRAGLIST}, {@code __udp_gso_segment()}): every
 * datagram checked from scratch, not against the segmenter's arithmetic: its UDP length, the IPv4 total length, ID
 * and header checksum (IPv6 payload length), and its UDP checksum, the pseudo-header sum with checksum offload and a
 * full checksum that verifies over the stored bytes without. cli's {@code GsoUdpLiveKernelTest} compares the bytes
 * with the live kernel's.
 */
class UdpSegmenterTest {

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    @Test
    void shouldCutAtGsoSizeWithOwnLengthsIdsAndChecksums() {
        int datagrams = 0;
        for (final boolean v6 : new boolean[] {false, true}) {
            for (final int mss : new int[] {1, 500, 1000, 1472}) {
                for (final boolean stored : new boolean[] {false, true}) {
                    for (final boolean offload : new boolean[] {false, true}) {
                        datagrams += checkOne(v6, mss, 3500, stored, offload);
                    }
                }
            }
        }
        // per family and mode: 3500 + 4 + 7 + 3 datagrams, twice (stored or not)
        assertThat(datagrams).isEqualTo(4 * 2 * (3500 + 7 + 4 + 3));
    }

    private static int checkOne(final boolean v6, final int mss, final int payload, final boolean stored,
        final boolean offload) {
        final PacketStore store = new PacketStore(4096, 4096, 64);
        final int h = superPacket(store, v6, payload, stored);
        store.gsoSize(h, mss);
        store.mark(h, 42);
        final TcpSegmenter segmenter = new TcpSegmenter(store);
        final int n = segmenter.segment(h, offload);
        assertThat(n).isEqualTo((payload + mss - 1) / mss);
        final MutableDirectBuffer b = store.buffer();
        final int l4 = 14 + (v6 ? 40 : 20);
        int g = segmenter.first();
        for (int i = 0; i < n; i++) {
            final int f = store.frameOffset(g);
            final int segPayload = i == n - 1 ? payload - i * mss : mss;
            assertThat(store.length(g)).isEqualTo(l4 + 8 + segPayload);
            assertThat(store.mark(g)).isEqualTo(42);
            assertThat(store.gsoSize(g)).isZero();
            final int ip = f + 14;
            if (v6) {
                assertThat(b.getShort(ip + 4, NET) & 0xFFFF).isEqualTo(8 + segPayload);
            } else {
                assertThat(b.getShort(ip + 2, NET) & 0xFFFF).isEqualTo(28 + segPayload);
                assertThat(b.getShort(ip + 4, NET) & 0xFFFF).isEqualTo((0xFFFE + i) & 0xFFFF);
                assertThat(InetChecksum.fold(InetChecksum.sum(b, ip, 20, 0))).isEqualTo(0xFFFF);
            }
            final int t = f + l4;
            assertThat(b.getShort(t, NET) & 0xFFFF).isEqualTo(40000);
            assertThat(b.getShort(t + 2, NET) & 0xFFFF).isEqualTo(9000);
            assertThat(b.getShort(t + 4, NET) & 0xFFFF).isEqualTo(8 + segPayload);
            final long pseudo = v6 ? InetChecksum.pseudoIpv6(b, ip + 8, ip + 24, 17, 8 + segPayload)
                : InetChecksum.pseudoIpv4(b.getInt(ip + 12, NET), b.getInt(ip + 16, NET), 17, 8 + segPayload);
            if (offload) {
                assertThat(store.checksumState(g)).isEqualTo(ChecksumState.PARTIAL);
                assertThat(b.getShort(t + 6, NET) & 0xFFFF).isEqualTo(InetChecksum.fold(pseudo));
            } else {
                assertThat(store.checksumState(g)).isEqualTo(ChecksumState.NONE);
                final int storedUdp = store.storedLength(g) - l4;
                assertThat(storedUdp).isEqualTo(8 + (stored ? segPayload : 0));
                assertThat(InetChecksum.fold(InetChecksum.sum(b, t, storedUdp, pseudo))).isEqualTo(0xFFFF);
            }
            g = store.next(g);
        }
        assertThat(g).isEqualTo(PacketStore.NO_PACKET);
        return n;
    }

    /** A UDP super-packet of {@code payload} bytes, its checksum the pseudo-header sum (CHECKSUM_PARTIAL). */
    private static int superPacket(final PacketStore store, final boolean v6, final int payload,
        final boolean stored) {
        final PacketBuilder pb = new PacketBuilder(store);
        pb.reset();
        if (v6) {
            pb.ipv6(0x2001_0DB8_0000_0001L, 7, 0x2001_0DB8_0000_0002L, 9);
        } else {
            pb.ipv4(0xC0A8_0001, 0xC0A8_0002).ipId(0xFFFE).fragWord(0x4000).ttl(64);
        }
        pb.udp(40000, 9000).payload(payload).checksumMode(PacketBuilder.CSUM_PARTIAL);
        if (stored) {
            pb.storePayload(true, 0x5A);
        }
        final int h = pb.build();
        store.networkOffset(h, 14);
        store.transportOffset(h, 14 + (v6 ? 40 : 20));
        store.gsoType(h, PacketStore.GSO_UDP_L4);
        return h;
    }

    @Test
    void shouldSendAChecksumThatComputesToZeroAsAllOnes() {
        // the last datagram's two stored payload bytes are chosen so that its full checksum folds to 0
        final PacketStore store = new PacketStore(16, 2048, 64);
        final int h = superPacket(store, false, 1002, true);
        store.gsoSize(h, 1000);
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(h);
        final int lastAt = f + 42 + 1000;
        b.putShort(lastAt, (short) 0);
        final long pseudo = InetChecksum.pseudoIpv4(b.getInt(f + 26, NET), b.getInt(f + 30, NET), 17, 10);
        // the last datagram: ports, its length 10, the checksum field 0 (left out of the sum), its two bytes
        final long rest = pseudo + 40000 + 9000 + 10;
        b.putShort(lastAt, (short) ~InetChecksum.fold(rest), NET);
        final TcpSegmenter segmenter = new TcpSegmenter(store);
        assertThat(segmenter.segment(h, false)).isEqualTo(2);
        final int last = store.next(segmenter.first());
        final int t = store.frameOffset(last) + 34;
        assertThat(b.getShort(t + 4, NET) & 0xFFFF).isEqualTo(10);
        // the sum folds to rest + ~rest = 0xFFFF, whose complement 0 is sent as 0xFFFF (CSUM_MANGLED_0)
        assertThat(b.getShort(t + 6, NET) & 0xFFFF).isEqualTo(0xFFFF);
    }

    @Test
    void shouldLeaveADatagramNoLongerThanGsoSizeToTheCaller() {
        final PacketStore store = new PacketStore(16, 2048, 64);
        final int h = superPacket(store, false, 1000, false);
        store.gsoSize(h, 1000);
        assertThat(new TcpSegmenter(store).segment(h, false)).isEqualTo(TcpSegmenter.ERR_TOO_SMALL);
        // a UDP fraglist aggregate without its list is not one the segmenter can split
        store.gsoSize(h, 500);
        store.gsoType(h, PacketStore.GSO_UDP_L4 | PacketStore.GSO_FRAGLIST);
        assertThat(new TcpSegmenter(store).segment(h, false)).isEqualTo(TcpSegmenter.ERR_NOT_TCP);
    }
}
