package io.pktsim.nic.offload;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * Every segment the segmenter cuts is checked from scratch (not against the segmenter's own arithmetic): IPv4
 * header checksums over the whole header, IPv4 total length and ID per level, IPv6 payload length, seq, flags, and
 * the TCP checksum (the pseudo-header sum with checksum offload, the full checksum over the stored bytes without),
 * for IPv4, IPv6 and IPv4-in-IPv4 / IPv6-in-IPv4, fixed and incrementing IDs, stored and unstored payloads.
 */
class TcpSegmenterTest {

    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int FIN = 0x01;
    private static final int CWR = 0x80;

    @Test
    void shouldWriteHeadersAndChecksumsThatVerifyOnEverySegment() {
        int segments = 0;
        for (int layout = 0; layout < 4; layout++) {
            for (int mss : new int[] {7, 536, 1448}) {
                for (int storedPayload = 0; storedPayload < 2; storedPayload++) {
                    for (int typeBits = 0; typeBits < 4; typeBits++) {
                        for (int offload = 0; offload < 2; offload++) {
                            segments += checkOne(layout, mss, storedPayload == 1, typeBits, offload == 1);
                        }
                    }
                }
            }
        }
        assertThat(segments).isEqualTo(768);
    }

    /** layout: 0 IPv4, 1 IPv6, 2 IPv4 in IPv4, 3 IPv6 in IPv4; typeBits: FIXEDID (1), FIXEDID_INNER (2). */
    private int checkOne(final int layout, final int mss, final boolean stored, final int typeBits,
        final boolean offload) {
        final PacketStore store = new PacketStore(128, 2048, 64);
        final PacketBuilder pb = new PacketBuilder(store);
        final boolean encap = layout >= 2;
        final boolean v6 = layout == 1 || layout == 3;
        final int payload = Math.min(mss * 5 + 3, 1800);
        pb.reset();
        if (encap) {
            pb.outerIpv4(0x0A00_0001, 0x0A00_0002);
        }
        if (v6) {
            pb.ipv6(0x2001_0DB8_0000_0001L, 7, 0x2001_0DB8_0000_0002L, 9);
        } else {
            pb.ipv4(0xC0A8_0001, 0xC0A8_0002).ipId(0xFFFE).fragWord(0x4000).ttl(63).tos(0x10);
        }
        pb.tcp(40000, 80, 0xFFFF_FF00, 77, ACK | PSH | FIN | CWR).timestamps(1, 2).payload(payload)
            .checksumMode(PacketBuilder.CSUM_PARTIAL);
        if (stored) {
            pb.storePayload(true, 0x5A);
        }
        final int h = pb.build();
        final int inner = encap ? 34 : -1;
        final int l4 = (encap ? 34 : 14) + (v6 ? 40 : 20);
        store.networkOffset(h, 14);
        store.innerNetworkOffset(h, inner);
        store.transportOffset(h, l4);
        store.gsoSize(h, mss);
        int type = (v6 ? PacketStore.GSO_TCPV6 : PacketStore.GSO_TCPV4) | (encap ? PacketStore.GSO_IPXIP4 : 0);
        type |= (typeBits & 1) != 0 ? PacketStore.GSO_TCP_FIXEDID : 0;
        type |= (typeBits & 2) != 0 ? PacketStore.GSO_TCP_FIXEDID_INNER : 0;
        store.gsoType(h, type);
        store.mark(h, 42);
        final TcpSegmenter segmenter = new TcpSegmenter(store);
        final int n = segmenter.segment(h, offload);
        final int expected = (payload + mss - 1) / mss;
        assertThat(n).isEqualTo(expected);
        final MutableDirectBuffer b = store.buffer();
        final int hdrLen = l4 + 32;
        int g = segmenter.first();
        for (int i = 0; i < n; i++) {
            final int f = store.frameOffset(g);
            final int segPayload = i == n - 1 ? payload - i * mss : mss;
            assertThat(store.length(g)).isEqualTo(hdrLen + segPayload);
            assertThat(store.mark(g)).isEqualTo(42);
            assertThat(store.gsoSize(g)).isZero();
            // outer level
            checkIp(b, f + 14, store.length(g) - 14, !encap && v6, (typeBits & 1) != 0 ? 0 : i, encap);
            if (encap) {
                checkIp(b, f + 34, store.length(g) - 34, v6, (typeBits & 2) != 0 ? 0 : i, false);
            }
            final int t = f + l4;
            assertThat(b.getInt(t + 4, java.nio.ByteOrder.BIG_ENDIAN)).isEqualTo(0xFFFF_FF00 + i * mss);
            final int flags = b.getByte(t + 13) & 0xFF;
            assertThat(flags & (PSH | FIN)).isEqualTo(i == n - 1 ? PSH | FIN : 0);
            assertThat(flags & CWR).isEqualTo(i == 0 ? CWR : 0);
            final int ip = encap ? f + 34 : f + 14;
            final int tcpLen = store.length(g) - l4;
            final long pseudo = v6 ? InetChecksum.pseudoIpv6(b, ip + 8, ip + 24, 6, tcpLen)
                : InetChecksum.pseudoIpv4(b.getInt(ip + 12, java.nio.ByteOrder.BIG_ENDIAN),
                    b.getInt(ip + 16, java.nio.ByteOrder.BIG_ENDIAN), 6, tcpLen);
            if (offload) {
                assertThat(store.checksumState(g)).isEqualTo(ChecksumState.PARTIAL);
                assertThat(b.getShort(t + 16, java.nio.ByteOrder.BIG_ENDIAN) & 0xFFFF)
                    .isEqualTo(InetChecksum.fold(pseudo));
            } else {
                assertThat(store.checksumState(g)).isEqualTo(ChecksumState.NONE);
                final int storedTcp = store.storedLength(g) - l4;
                assertThat(storedTcp).isEqualTo(32 + (stored ? segPayload : 0));
                assertThat(InetChecksum.fold(InetChecksum.sum(b, t, storedTcp, pseudo))).isEqualTo(0xFFFF);
            }
            g = store.next(g);
        }
        assertThat(g).isEqualTo(PacketStore.NO_PACKET);
        return n;
    }

    private static void checkIp(final MutableDirectBuffer b, final int at, final int ipLen, final boolean v6,
        final int idDelta, final boolean outerOfTunnel) {
        final java.nio.ByteOrder net = java.nio.ByteOrder.BIG_ENDIAN;
        if (v6) {
            assertThat(b.getShort(at + 4, net) & 0xFFFF).isEqualTo(ipLen - 40);
            return;
        }
        assertThat(b.getShort(at + 2, net) & 0xFFFF).isEqualTo(ipLen);
        assertThat(InetChecksum.fold(InetChecksum.sum(b, at, 20, 0))).isEqualTo(0xFFFF);
        if (!outerOfTunnel) {
            assertThat(b.getShort(at + 4, net) & 0xFFFF).isEqualTo((0xFFFE + idDelta) & 0xFFFF);
        }
    }
}
