package io.pktsim.stack.gro;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * OpenWrt's PPPoE GRO handler ({@code pppoe_gro_receive} / {@code pppoe_gro_complete},
 * 650-net-pppoe-implement-GRO-support.patch) in {@link GroTable}, {@link GroConfig#pppoeGro(boolean)}; off, a PPPoE
 * session frame bypasses GRO as on mainline 6.18.
 */
class PppoeGroTest {

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    /** Ethernet + PPPoE + PPP protocol: where the IP header starts. */
    private static final int IP_AT = 22;

    private final PacketStore store = new PacketStore(256, 2048, 64);
    private final PacketBuilder pb = new PacketBuilder(store);
    private final List<Integer> handles = new ArrayList<>();
    private final List<GroReason> reasons = new ArrayList<>();

    private GroTable table(final boolean pppoeGro) {
        return new GroTable(store, new GroConfig().pppoeGro(pppoeGro), (h, r, t) -> {
            handles.add(h);
            reasons.add(r);
        });
    }

    /** A PPPoE session frame of flow 0 (session sid), DF set, incrementing IDs, timestamps. */
    private int segment(final int sid, final boolean v6, final int seq, final int payload, final int id,
        final int flags) {
        pb.reset().pppoe(sid).tcp(40000, 80, seq, 7, flags).payload(payload).ipId(id).fragWord(0x4000)
            .timestamps(1234, 5678);
        if (v6) {
            pb.ipv6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2);
        }
        final int h = pb.build();
        GroTrains.receiveState(store, h, 0x1234, true);
        return h;
    }

    private int u16(final int h, final int at) {
        return store.buffer().getShort(store.frameOffset(h) + at, NET) & 0xFFFF;
    }

    /** Receives n in-order segments of mss bytes of one session, then ends the poll. */
    private void train(final GroTable gro, final int sid, final boolean v6, final int n, final int mss) {
        for (int i = 0; i < n; i++) {
            gro.receive(segment(sid, v6, 1000 + i * mss, mss, i, TcpView.ACK), 0);
        }
        gro.onPollEnd(n, 64, 0);
    }

    @Test
    void shouldMergePppoeSessionFramesWithTheHandlerAndRewriteTheLengths() {
        final GroTable gro = table(true);
        train(gro, 0x11, false, 4, 1000);
        assertThat(handles).hasSize(1);
        assertThat(reasons).containsExactly(GroReason.POLL_COMPLETE);
        final int agg = handles.get(0);
        final int ipLen = 20 + 32 + 4 * 1000;
        assertThat(store.gsoSegs(agg)).isEqualTo(4);
        assertThat(store.gsoSize(agg)).isEqualTo(1000);
        assertThat(store.length(agg)).isEqualTo(IP_AT + ipLen);
        assertThat(store.networkOffset(agg)).isEqualTo(IP_AT);
        // pppoe_gro_complete(): skb->len - (nhoff + 6), the PPP protocol and the IP packet
        assertThat(u16(agg, 18)).as("PPPoE length").isEqualTo(ipLen + 2);
        assertThat(u16(agg, 16)).as("session id").isEqualTo(0x11);
        assertThat(u16(agg, 20)).as("PPP protocol").isEqualTo(0x0021);
        // inet_gro_complete(): tot_len and a valid header checksum; tcp4_gro_complete(): the pseudo-header sum
        assertThat(u16(agg, IP_AT + 2)).as("IPv4 total length").isEqualTo(ipLen);
        final MutableDirectBuffer b = store.buffer();
        final int ip = store.frameOffset(agg) + IP_AT;
        assertThat(InetChecksum.fold(InetChecksum.sum(b, ip, 20, 0))).as("IPv4 header sum").isEqualTo(0xFFFF);
        final long pseudo = InetChecksum.pseudoIpv4(b.getInt(ip + 12, NET), b.getInt(ip + 16, NET), 6, ipLen - 20);
        assertThat(u16(agg, IP_AT + 20 + 16)).as("TCP check = pseudo-header sum").isEqualTo(InetChecksum.fold(pseudo));
        assertThat(gro.counters().get(GroCounter.MERGED)).isEqualTo(3);
    }

    @Test
    void shouldPassPppoeSessionFramesUpAloneWithoutTheHandler() {
        final GroTable gro = table(false);
        train(gro, 0x11, false, 4, 1000);
        assertThat(reasons).hasSize(4).containsOnly(GroReason.NO_HANDLER);
        assertThat(gro.counters().get(GroCounter.MERGED)).isZero();
        for (final int h : handles) {
            assertThat(u16(h, 18)).isEqualTo(20 + 32 + 1000 + 2);
        }
    }

    @Test
    void shouldNotMergeAFrameWithEthernetPaddingOrABadLength() {
        final GroTable gro = table(true);
        gro.receive(segment(0x11, false, 1000, 1000, 0, TcpView.ACK), 0);
        // Ethernet padding: the frame is 4 bytes longer than PPPoE length + 6 says
        final int padded = segment(0x11, false, 2000, 1000, 1, TcpView.ACK);
        store.length(padded, store.length(padded) + 4);
        gro.receive(padded, 0);
        // a length field one too large
        final int bad = segment(0x11, false, 2000, 1000, 1, TcpView.ACK);
        store.buffer().putShort(store.frameOffset(bad) + 18, (short) (u16(bad, 18) + 1), NET);
        gro.receive(bad, 0);
        gro.receive(segment(0x11, false, 2000, 1000, 1, TcpView.ACK), 0);
        gro.onPollEnd(4, 64, 0);
        assertThat(reasons).containsExactly(GroReason.PPPOE_LENGTH, GroReason.PPPOE_LENGTH,
            GroReason.POLL_COMPLETE);
        assertThat(store.gsoSegs(handles.get(2))).as("the held packet was untouched: the good frame merged")
            .isEqualTo(2);
        assertThat(GroReason.PPPOE_LENGTH.isBypass()).isTrue();
        assertThat(GroReason.PPPOE_LENGTH.description()).startsWith("pppoe: length does not match");
    }

    @Test
    void shouldPassUpAloneAFrameWhosePppProtocolIsNotIp() {
        final GroTable gro = table(true);
        final int lcp = segment(0x11, false, 1000, 1000, 0, TcpView.ACK);
        store.buffer().putShort(store.frameOffset(lcp) + 20, (short) 0xC021, NET);
        gro.receive(lcp, 0);
        gro.onPollEnd(1, 64, 0);
        assertThat(reasons).containsExactly(GroReason.PPPOE_NOT_IP);
        assertThat(GroReason.PPPOE_NOT_IP.description()).startsWith("pppoe: not IPv4/IPv6");
        assertThat(GroReason.PPPOE_NOT_IP.isFlush()).isFalse();
    }

    @Test
    void shouldKeepTwoSessionsOfTheSameTcpFlowApartAsTwoFlows() {
        final GroTable gro = table(true);
        for (int i = 0; i < 3; i++) {
            gro.receive(segment(0x11, false, 1000 + i * 1000, 1000, i, TcpView.ACK), 0);
            gro.receive(segment(0x22, false, 1000 + i * 1000, 1000, i, TcpView.ACK), 0);
        }
        assertThat(gro.heldCount()).isEqualTo(2);
        gro.onPollEnd(6, 64, 0);
        assertThat(reasons).containsExactly(GroReason.POLL_COMPLETE, GroReason.POLL_COMPLETE);
        assertThat(u16(handles.get(0), 16)).isEqualTo(0x11);
        assertThat(u16(handles.get(1), 16)).isEqualTo(0x22);
        for (final int h : handles) {
            assertThat(store.gsoSegs(h)).as("not a flush: each session merged its own three").isEqualTo(3);
            assertThat(u16(h, 18)).isEqualTo(20 + 32 + 3000 + 2);
        }
    }

    @Test
    void shouldKeepAPlainFrameOfTheSameFlowApartFromAPppoeOne() {
        final GroTable gro = table(true);
        gro.receive(segment(0x11, false, 1000, 1000, 0, TcpView.ACK), 0);
        final int plain = GroTrains.segment(pb, GroTrains.V4, 0, 2000, 1000, TcpView.ACK, 1, true, true);
        GroTrains.receiveState(store, plain, 0x1234, true);
        gro.receive(plain, 0);
        assertThat(gro.heldCount()).as("dev_gro_receive's Ethernet header compare").isEqualTo(2);
    }

    @Test
    void shouldMergeIpv6OverPppoeAndRewriteThePayloadLength() {
        final GroTable gro = table(true);
        train(gro, 0x33, true, 5, 1200);
        assertThat(handles).hasSize(1);
        final int agg = handles.get(0);
        final int ipLen = 40 + 32 + 5 * 1200;
        assertThat(store.gsoSegs(agg)).isEqualTo(5);
        assertThat(store.gsoType(agg) & PacketStore.GSO_TCPV6).isNotZero();
        assertThat(u16(agg, 20)).isEqualTo(0x0057);
        assertThat(u16(agg, 18)).as("PPPoE length").isEqualTo(ipLen + 2);
        assertThat(u16(agg, IP_AT + 4)).as("IPv6 payload length").isEqualTo(ipLen - 40);
    }

    @Test
    void shouldCountThePppoeHeaderTowardsTheSixtyFourKibLimit() {
        // 40 + 59 * 1110 = 65530 bytes of IP: below 65536 as plain IPv4, at 65538 with the 8 PPPoE bytes that
        // p->len counts (it starts after the Ethernet header)
        final int mss = 1110;
        final int n = 59;
        final PacketStore big = new PacketStore(256, 2048, 64);
        final PacketBuilder b = new PacketBuilder(big);
        final List<Integer> segs = new ArrayList<>();
        final List<GroReason> why = new ArrayList<>();
        for (final boolean pppoe : new boolean[] {false, true}) {
            segs.clear();
            why.clear();
            final GroTable gro = new GroTable(big, new GroConfig().pppoeGro(true), (h, r, t) -> {
                segs.add(Math.max(1, big.gsoSegs(h)));
                why.add(r);
                big.free(h);
            });
            for (int i = 0; i < n; i++) {
                b.reset().tcp(40000, 80, 1000 + i * mss, 7, TcpView.ACK).payload(mss).ipId(i).fragWord(0x4000);
                if (pppoe) {
                    b.pppoe(0x44);
                }
                final int h = b.build();
                GroTrains.receiveState(big, h, 0x1234, true);
                gro.receive(h, 0);
            }
            gro.onPollEnd(n, 64, 0);
            if (pppoe) {
                assertThat(segs).as("PPPoE").containsExactly(58, 1);
                assertThat(why).containsExactly(GroReason.MAX_SIZE, GroReason.POLL_COMPLETE);
            } else {
                assertThat(segs).as("plain IPv4").containsExactly(59);
            }
        }
    }

    @Test
    void shouldChainPppoeSegmentsWithFraglistGroAndGiveThemBackWithTheirOwnLengths() {
        final GroTable gro = new GroTable(store, new GroConfig().pppoeGro(true).rxGroList(true), (h, r, t) -> {
            handles.add(h);
            reasons.add(r);
        });
        final List<byte[]> originals = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final int h = segment(0x55, false, 1000 + i * 700, i == 2 ? 300 : 700, i, TcpView.ACK);
            final byte[] f = new byte[store.length(h)];
            store.getFrame(h, f, 0, f.length);
            originals.add(f);
            gro.receive(h, 0);
            if (i == 0) {
                // an IPv6 frame of the same session and ports: another PPP protocol, another flow
                gro.receive(segment(0x55, true, 1700, 700, 0, TcpView.ACK), 0);
            }
        }
        gro.onPollEnd(4, 64, 0);
        assertThat(reasons).containsExactly(GroReason.SHORT_SEGMENT, GroReason.POLL_COMPLETE);
        final int agg = handles.get(0);
        assertThat(store.gsoSegs(agg)).isEqualTo(3);
        assertThat(store.gsoType(agg) & PacketStore.GSO_FRAGLIST).isNotZero();
        assertThat(u16(agg, 18)).as("PPPoE length of the whole").isEqualTo(20 + 32 + 1700 + 2);
        final io.pktsim.stack.gso.SoftwareGso gso = new io.pktsim.stack.gso.SoftwareGso(store,
            new io.pktsim.nic.offload.OffloadFeatures(),
            new io.pktsim.core.counter.Counters<>(io.pktsim.stack.gso.GsoCounter.class));
        final List<byte[]> out = new ArrayList<>();
        gso.segmentInto(agg, false, g -> {
            final byte[] f = new byte[store.length(g)];
            store.getFrame(g, f, 0, f.length);
            out.add(f);
            store.free(g);
        });
        assertThat(out).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(out.get(i)).as("segment %d", i).isEqualTo(originals.get(i));
        }
    }

    @Test
    void shouldCountBothPppoeHeadersTowardsTheFraglistLimit() {
        // skb_gro_receive_list(): p->len + skb->len >= 65536, both from after the Ethernet header; IP length 1230
        // (1190 bytes of payload, no options): 2 * 1230 + 53 * 1190 = 65530 before the 55th segment, 65546 with the
        // two 8-byte PPPoE headers
        final int payload = 1190;
        final int n = 55;
        final PacketStore big = new PacketStore(256, 2048, 64);
        final PacketBuilder b = new PacketBuilder(big);
        final List<Integer> segs = new ArrayList<>();
        final List<GroReason> why = new ArrayList<>();
        for (final boolean pppoe : new boolean[] {false, true}) {
            segs.clear();
            why.clear();
            final GroTable gro = new GroTable(big, new GroConfig().pppoeGro(true).rxGroList(true), (h, r, t) -> {
                segs.add(Math.max(1, big.gsoSegs(h)));
                why.add(r);
                for (int g = h; g != PacketStore.NO_PACKET;) {
                    final int next = big.next(g);
                    big.free(g);
                    g = next;
                }
            });
            for (int i = 0; i < n; i++) {
                b.reset().tcp(40000, 80, 1000 + i * payload, 7, TcpView.ACK).payload(payload).ipId(i)
                    .fragWord(0x4000);
                if (pppoe) {
                    b.pppoe(0x66);
                }
                final int h = b.build();
                GroTrains.receiveState(big, h, 0x1234, true);
                gro.receive(h, 0);
            }
            gro.onPollEnd(n, 64, 0);
            if (pppoe) {
                assertThat(segs).as("PPPoE").containsExactly(54, 1);
                assertThat(why).containsExactly(GroReason.MAX_SIZE, GroReason.POLL_COMPLETE);
            } else {
                assertThat(segs).as("plain IPv4").containsExactly(55);
            }
            assertThat(big.inUse()).isZero();
        }
    }

    @Test
    void shouldLimitIpv6OverPppoeByGroIpv4MaxSize() {
        // netif_get_gro_max_size(): gro_max_size only for skb->protocol ETH_P_IPV6; a PPPoE frame's is ETH_P_PPP_SES
        final List<Integer> segs = new ArrayList<>();
        final GroConfig config = new GroConfig().pppoeGro(true).groIpv4MaxSizeBytes(3000).groMaxSizeBytes(65536);
        final GroTable gro = new GroTable(store, config, (h, r, t) -> segs.add(Math.max(1, store.gsoSegs(h))));
        train(gro, 0x77, true, 4, 1000);
        assertThat(segs).as("IPv6 over PPPoE: 1080 + 1000 + 1000 reaches 3000").containsExactly(2, 2);
        segs.clear();
        for (int i = 0; i < 4; i++) {
            final int h = GroTrains.segment(pb, GroTrains.V6, 0, 1000 + i * 1000, 1000, TcpView.ACK, 0, true, true);
            GroTrains.receiveState(store, h, 0x1234, true);
            gro.receive(h, 0);
        }
        gro.onPollEnd(4, 64, 0);
        assertThat(segs).as("plain IPv6: gro_max_size").containsExactly(4);
    }
}
