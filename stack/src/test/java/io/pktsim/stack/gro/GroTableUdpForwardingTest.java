package io.pktsim.stack.gro;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.stack.gso.GsoCounter;
import io.pktsim.stack.gso.SoftwareGso;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * UDP GRO of forwarded datagrams without fraglist ({@code ethtool -K DEV rx-udp-gro-forwarding on},
 * {@code NETIF_F_GRO_UDP_FWD}, {@link GroConfig#udpGroForwarding(boolean)}): {@code udp_gro_receive()} calls
 * {@code udp_gro_receive_segment()} without {@code is_flist}, which merges with {@code skb_gro_receive()}, and the
 * aggregate is completed by {@code udp4_gro_complete()} / {@code udp6_gro_complete()} and {@code
 * udp_gro_complete_segment()} (net/ipv4/udp_offload.c, net/ipv6/udp_offload.c, net/core/gro.c, 6.18). The size
 * limits below are worked out by hand from {@code skb_gro_receive()} ({@code p->len + skb_gro_len(skb) >= 65536},
 * the new datagram's payload) and {@code skb_gro_receive_list()} ({@code p->len + skb->len >= 65536}, the new
 * datagram whole from its IP header).
 */
class GroTableUdpForwardingTest {

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int ETH = 14;
    private static final int UDP_AT = ETH + 20;
    private static final int UDP6_AT = ETH + 40;
    private static final long V6_NET = 0x2001_0db8_0000_0000L;

    private final PacketStore store = new PacketStore(512, 256, 64);
    private final PacketBuilder pb = new PacketBuilder(store);
    private final List<Integer> up = new ArrayList<>();
    private final List<GroReason> reasons = new ArrayList<>();

    private GroTable table(final GroConfig config) {
        return new GroTable(store, config, (h, r, t) -> {
            up.add(h);
            reasons.add(r);
        });
    }

    private GroTable forwarding() {
        return table(new GroConfig().udpGroForwarding(true));
    }

    /** {@link GroTrains#udpDatagram}. */
    private int datagram(final int payload) {
        return GroTrains.udpDatagram(pb, store, payload);
    }

    /** As {@link #datagram} over IPv6, 2001:db8::1 to 2001:db8::2. */
    private int datagram6(final int payload) {
        final int h = pb.reset().ipv6(V6_NET, 1, V6_NET, 2).udp(40000, 5001).payload(payload).build();
        GroTrains.receiveState(store, h, 7, true);
        return h;
    }

    private int segsOf(final int h) {
        return Math.max(1, store.gsoSegs(h));
    }

    private List<Integer> segments() {
        return GroTrains.segmentCounts(store, up);
    }

    private int u16(final int h, final int at) {
        return store.buffer().getShort(store.frameOffset(h) + at, NET) & 0xFFFF;
    }

    private int udpLength(final int h) {
        return u16(h, UDP_AT + 4);
    }

    private int udpCheck(final int h) {
        return u16(h, UDP_AT + 6);
    }

    private int ipLength(final int h) {
        return u16(h, ETH + 2);
    }

    /** Sends the payload sizes in one poll (of the given weight) and ends it. */
    private void burst(final GroTable gro, final int weight, final int... payloads) {
        for (final int p : payloads) {
            gro.receive(datagram(p), 0);
        }
        gro.onPollEnd(payloads.length, weight, 0);
    }

    private void burst6(final GroTable gro, final int weight, final int... payloads) {
        for (final int p : payloads) {
            gro.receive(datagram6(p), 0);
        }
        gro.onPollEnd(payloads.length, weight, 0);
    }

    private static int[] times(final int count, final int payload) {
        final int[] sizes = new int[count];
        Arrays.fill(sizes, payload);
        return sizes;
    }

    @Test
    void shouldPassEveryDatagramUpAloneWithoutEitherOption() {
        final GroTable gro = table(new GroConfig());
        burst(gro, 64, 1000, 1000, 1000, 1000);
        assertThat(segments()).containsExactly(1, 1, 1, 1);
        assertThat(reasons).containsOnly(GroReason.NOT_TCP);
        assertThat(gro.counters().get(GroCounter.HELD)).isZero();
        assertThat(gro.counters().get(GroCounter.MERGED)).isZero();
    }

    @Test
    void shouldMergeEightDatagramsOfAFlowIntoOneUdpL4Aggregate() {
        final GroTable gro = forwarding();
        final int head = datagram(1000);
        assertThat(gro.receive(head, 0)).isEqualTo(GroResult.HELD);
        for (int i = 1; i < 8; i++) {
            assertThat(gro.receive(datagram(1000), 0)).as("datagram %d", i).isEqualTo(GroResult.MERGED_FREE);
        }
        assertThat(gro.heldCount()).isEqualTo(1);
        gro.onPollEnd(8, 64, 0);
        assertThat(up).containsExactly(head);
        assertThat(reasons).containsExactly(GroReason.POLL_COMPLETE);
        // inet_gro_complete(): tot_len 20 + 8 + 8 * 1000, the header checksum following it
        assertThat(ipLength(head)).isEqualTo(8028);
        assertThat(InetChecksum.fold(InetChecksum.sum(store.buffer(), store.frameOffset(head) + ETH, 20, 0)))
            .as("the IPv4 header checksum follows the length").isEqualTo(0xFFFF);
        // udp_gro_complete(): uh->len = skb->len - nhoff
        assertThat(udpLength(head)).isEqualTo(8008);
        // udp4_gro_complete(): uh->check = ~udp_v4_check(8008, 10.0.0.1, 10.0.0.2, 0), the folded pseudo-header
        // sum: 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 8008 (0x1f48) = 0x335c
        assertThat(udpCheck(head)).isEqualTo(0x335C);
        assertThat(udpCheck(head)).isEqualTo(InetChecksum.fold(InetChecksum.pseudoIpv4(0x0A00_0001, 0x0A00_0002,
            17, 8008)));
        assertThat(store.length(head)).isEqualTo(ETH + 8028);
        assertThat(store.gsoSize(head)).isEqualTo(1000);
        assertThat(store.gsoSegs(head)).isEqualTo(8);
        assertThat(store.gsoType(head)).as("SKB_GSO_UDP_L4 without FRAGLIST").isEqualTo(PacketStore.GSO_UDP_L4);
        assertThat(store.checksumState(head)).isEqualTo(ChecksumState.PARTIAL);
        assertThat(store.hasFlag(head, PacketStore.FLAG_GRO_MERGED)).isTrue();
        assertThat(store.next(head)).as("the payload is counted, not chained").isEqualTo(PacketStore.NO_PACKET);
        assertThat(store.inUse()).as("merged datagrams are freed").isEqualTo(1);
        assertThat(gro.counters().get(GroCounter.MERGED)).isEqualTo(7);
        assertThat(gro.counters().get(GroCounter.AGGREGATES)).isEqualTo(1);
    }

    @Test
    void shouldChainTheMergedDatagramsWhenSegmentsAreKept() {
        final GroTable gro = table(new GroConfig().udpGroForwarding(true).keepMergedSegments(true));
        final int head = datagram(300);
        assertThat(gro.receive(head, 0)).isEqualTo(GroResult.HELD);
        for (int i = 1; i < 4; i++) {
            assertThat(gro.receive(datagram(300), 0)).isEqualTo(GroResult.MERGED);
        }
        gro.onPollEnd(4, 64, 0);
        assertThat(up).containsExactly(head);
        assertThat(udpLength(head)).isEqualTo(8 + 1200);
        assertThat(store.gsoType(head)).isEqualTo(PacketStore.GSO_UDP_L4);
        int chained = 0;
        for (int g = store.next(head); g != PacketStore.NO_PACKET; g = store.next(g)) {
            assertThat(store.transportOffset(g)).isEqualTo(UDP_AT);
            assertThat(u16(g, UDP_AT + 4)).as("a chained datagram keeps its own UDP length").isEqualTo(308);
            chained++;
        }
        assertThat(chained).isEqualTo(3);
    }

    @Test
    void shouldCompleteTheHeldDatagramWhenALongerOneArrivesAndLeaveItUnrewritten() {
        // 1000, 1200, 1200, 1000 -> [1], [3]: the longer second flushes the first and is held itself
        final GroTable gro = forwarding();
        final int first = datagram(1000);
        final int check = udpCheck(first);
        gro.receive(first, 0);
        for (final int p : new int[] {1200, 1200, 1000}) {
            gro.receive(datagram(p), 0);
        }
        gro.onPollEnd(4, 64, 0);
        assertThat(segments()).containsExactly(1, 3);
        assertThat(reasons).containsExactly(GroReason.LARGER_THAN_MSS, GroReason.SHORT_SEGMENT);
        // napi_gro_complete() returns early for a count of 1: nothing rewritten, gso_size cleared
        assertThat(up.get(0)).isEqualTo(first);
        assertThat(udpLength(first)).isEqualTo(1008);
        assertThat(udpCheck(first)).as("its own UDP checksum").isEqualTo(check);
        assertThat(store.gsoSize(first)).isZero();
        assertThat(store.gsoType(first)).isZero();
        assertThat(store.checksumState(first)).as("verified by GRO, not PARTIAL")
            .isEqualTo(ChecksumState.UNNECESSARY);
        final int agg = up.get(1);
        assertThat(udpLength(agg)).isEqualTo(8 + 3400);
        assertThat(ipLength(agg)).isEqualTo(20 + 8 + 3400);
        assertThat(store.gsoSize(agg)).isEqualTo(1200);
    }

    @Test
    void shouldMergeTheShorterDatagramAndCompleteTheAggregate() {
        // 1000, 1000, 500, 1000 -> [3], [1]
        final GroTable gro = forwarding();
        burst(gro, 64, 1000, 1000, 500, 1000);
        assertThat(segments()).containsExactly(3, 1);
        assertThat(reasons).containsExactly(GroReason.SHORT_SEGMENT, GroReason.POLL_COMPLETE);
        assertThat(udpLength(up.get(0))).isEqualTo(8 + 2500);
        assertThat(store.gsoSize(up.get(0))).isEqualTo(1000);
        assertThat(udpCheck(up.get(0))).isEqualTo(InetChecksum.fold(InetChecksum.pseudoIpv4(0x0A00_0001,
            0x0A00_0002, 17, 8 + 2500)));
        assertThat(udpLength(up.get(1))).isEqualTo(8 + 1000);
    }

    @Test
    void shouldCompleteTheAggregateWithIts64thDatagram() {
        // UDP_GRO_CNT_MAX: NAPI_GRO_CB(p)->count >= 64 after the merge completes it
        final GroTable gro = forwarding();
        for (int i = 0; i < 64; i++) {
            gro.receive(datagram(100), 0);
        }
        assertThat(gro.pendingCount() + up.size()).as("the 64th datagram completes the aggregate").isEqualTo(1);
        assertThat(gro.heldCount()).isZero();
        for (int i = 64; i < 70; i++) {
            gro.receive(datagram(100), 0);
        }
        gro.onPollEnd(70, 128, 0);
        assertThat(segments()).containsExactly(64, 6);
        assertThat(reasons).containsExactly(GroReason.FRAGLIST_COUNT, GroReason.POLL_COMPLETE);
        assertThat(udpLength(up.get(0))).isEqualTo(8 + 6400);
    }

    @Test
    void shouldStopBelow64KibAt44DatagramsOf1472BytesOverIpv4() {
        // skb_gro_receive(): p holding k datagrams has len 28 + 1472k; the (k+1)th is refused when
        // 28 + 1472(k+1) >= 65536, i.e. k+1 >= 44.5: 44 fit (28 + 44 * 1472 = 64796), the 45th flushes them
        final GroTable gro = forwarding();
        burst(gro, 64, times(50, 1472));
        assertThat(segments()).containsExactly(44, 6);
        assertThat(reasons).containsExactly(GroReason.MAX_SIZE, GroReason.POLL_COMPLETE);
        assertThat(ipLength(up.get(0))).isEqualTo(64796);
        assertThat(udpLength(up.get(0))).isEqualTo(64776);
    }

    @Test
    void shouldCountOnlyTheNewPayloadAgainst64KibUnlikeFraglistOverIpv4() {
        // 1424-byte payloads, 1452-byte IP packets. Without fraglist p holding k has len 28 + 1424k and the (k+1)th
        // is refused when 28 + 1424(k+1) >= 65536, i.e. k+1 >= 46.003: 46 fit (28 + 46 * 1424 = 65532).
        // skb_gro_receive_list() counts the new skb whole: refused when 28 + 1424k + 1452 >= 65536, i.e.
        // k >= 44.98: 45 fit (28 + 44 * 1424 + 1452 = 64136 merges the 45th; 28 + 45 * 1424 + 1452 = 65560).
        final GroTable gro = forwarding();
        burst(gro, 64, times(50, 1424));
        assertThat(segments()).containsExactly(46, 4);
        assertThat(reasons).containsExactly(GroReason.MAX_SIZE, GroReason.POLL_COMPLETE);
        assertThat(ipLength(up.get(0))).isEqualTo(65532);
        up.clear();
        reasons.clear();
        final GroTable fraglist = table(new GroConfig().rxGroList(true));
        burst(fraglist, 64, times(50, 1424));
        assertThat(segments()).containsExactly(45, 5);
        assertThat(reasons).containsExactly(GroReason.MAX_SIZE, GroReason.POLL_COMPLETE);
        assertThat(ipLength(up.get(0))).isEqualTo(28 + 45 * 1424);
    }

    @Test
    void shouldCountOnlyTheNewPayloadAgainst64KibUnlikeFraglistOverIpv6() {
        // 1000-byte payloads over IPv6 (48 header bytes): without fraglist 48 + 1000(k+1) >= 65536 needs k+1 >= 66,
        // with fraglist 48 + 1000k + 1048 >= 65536 needs k >= 64.44: both stop at the 64th (UDP_GRO_CNT_MAX)
        final GroTable gro = forwarding();
        burst6(gro, 128, times(70, 1000));
        assertThat(segments()).containsExactly(64, 6);
        assertThat(reasons).containsExactly(GroReason.FRAGLIST_COUNT, GroReason.POLL_COMPLETE);
        up.clear();
        reasons.clear();
        burst6(table(new GroConfig().rxGroList(true)), 128, times(70, 1000));
        assertThat(segments()).containsExactly(64, 6);
        assertThat(reasons).containsExactly(GroReason.FRAGLIST_COUNT, GroReason.POLL_COMPLETE);
        up.clear();
        reasons.clear();
        // 1423-byte payloads: without fraglist 48 + 1423(k+1) >= 65536 needs k+1 >= 46.02: 46 fit
        // (48 + 46 * 1423 = 65506); with fraglist 48 + 1423k + 1471 >= 65536 needs k >= 44.99: 45 fit
        // (48 + 44 * 1423 + 1471 = 64131 merges the 45th; 48 + 45 * 1423 + 1471 = 65554)
        burst6(forwarding(), 64, times(50, 1423));
        assertThat(segments()).containsExactly(46, 4);
        assertThat(reasons).containsExactly(GroReason.MAX_SIZE, GroReason.POLL_COMPLETE);
        assertThat(u16(up.get(0), ETH + 4)).as("IPv6 payload length").isEqualTo(65506 - 40);
        up.clear();
        reasons.clear();
        burst6(table(new GroConfig().rxGroList(true)), 64, times(50, 1423));
        assertThat(segments()).containsExactly(45, 5);
        assertThat(reasons).containsExactly(GroReason.MAX_SIZE, GroReason.POLL_COMPLETE);
    }

    @Test
    void shouldStopAtGroIpv4MaxSize() {
        // netif_get_gro_max_size(): gro_ipv4_max_size 16000; 28 + 1000(k+1) >= 16000 needs k+1 >= 15.97: 15 fit
        final GroTable gro = table(new GroConfig().udpGroForwarding(true).groIpv4MaxSizeBytes(16000));
        burst(gro, 64, times(20, 1000));
        assertThat(segments()).containsExactly(15, 5);
        assertThat(reasons).containsExactly(GroReason.MAX_SIZE, GroReason.POLL_COMPLETE);
    }

    @Test
    void shouldMergeADatagramOfAnotherChecksumStateUnlikeFraglist() {
        final GroTable gro = forwarding();
        final int head = datagram(100);
        store.checksumState(head, ChecksumState.UNNECESSARY);
        gro.receive(head, 0);
        final int level1 = datagram(100);
        store.checksumState(level1, ChecksumState.UNNECESSARY);
        store.checksumLevel(level1, 1);
        assertThat(gro.receive(level1, 0)).isEqualTo(GroResult.MERGED_FREE);
        final int partial = datagram(100);
        store.checksumState(partial, ChecksumState.PARTIAL);
        assertThat(gro.receive(partial, 0)).isEqualTo(GroResult.MERGED_FREE);
        gro.onPollEnd(3, 64, 0);
        assertThat(up).containsExactly(head);
        assertThat(reasons).containsExactly(GroReason.POLL_COMPLETE);
        assertThat(segsOf(head)).isEqualTo(3);
        assertThat(gro.reasonCounters().get(GroReason.UDP_CHECKSUM_STATE)).isZero();
    }

    @Test
    void shouldRefuseZeroChecksumPaddedAndBadChecksumDatagramsBeforeTheFlowLoop() {
        final GroTable gro = forwarding();
        gro.receive(datagram(10), 0);
        final int noCsum = datagram(10);
        store.buffer().putShort(store.frameOffset(noCsum) + UDP_AT + 6, (short) 0);
        assertThat(gro.receive(noCsum, 0)).isEqualTo(GroResult.NORMAL);
        // 14 + 20 + 8 + 10 = 52 bytes, padded to Ethernet's 60
        final int padded = datagram(10);
        store.length(padded, 60);
        assertThat(gro.receive(padded, 0)).isEqualTo(GroResult.NORMAL);
        final int bad = pb.reset().udp(40000, 5001).payload(10).checksumMode(PacketBuilder.CSUM_BAD).build();
        GroTrains.receiveState(store, bad, 7, true);
        assertThat(gro.receive(bad, 0)).isEqualTo(GroResult.NORMAL);
        assertThat(gro.heldCount()).as("held packets untouched").isEqualTo(1);
        assertThat(gro.receive(datagram(10), 0)).isEqualTo(GroResult.MERGED_FREE);
        gro.onPollEnd(5, 64, 0);
        assertThat(up).startsWith(noCsum, padded, bad);
        assertThat(reasons).containsExactly(GroReason.UDP_NO_CHECKSUM, GroReason.UDP_LENGTH,
            GroReason.UDP_BAD_CHECKSUM, GroReason.POLL_COMPLETE);
        assertThat(segsOf(up.get(3))).isEqualTo(2);
    }

    @Test
    void shouldApplyTheIpRulesAndTheL3FlushMark() {
        final GroTable gro = forwarding();
        final int first = datagram(100);
        gro.receive(first, 0);
        assertThat(gro.receive(datagram(100), 0)).isEqualTo(GroResult.MERGED_FREE);
        // another TTL: inet_gro_flush() flushes the held packet, the datagram is held anew
        final int ttl = pb.reset().udp(40000, 5001).payload(100).ttl(63).build();
        GroTrains.receiveState(store, ttl, 7, true);
        assertThat(gro.receive(ttl, 0)).isEqualTo(GroResult.HELD);
        // the evil bit: skb_gro_receive() refuses a flushed skb (-E2BIG), which then goes up alone
        final int evil = pb.reset().udp(40000, 5001).payload(100).ttl(63).fragWord(0xC000).build();
        GroTrains.receiveState(store, evil, 7, true);
        assertThat(gro.receive(evil, 0)).isEqualTo(GroResult.NORMAL);
        gro.onPollEnd(4, 64, 0);
        assertThat(up).containsExactly(first, ttl, evil);
        assertThat(reasons).containsExactly(GroReason.TTL, GroReason.L3_MARK_REFUSED, GroReason.L3_FLUSH_MARK);
        assertThat(segments()).containsExactly(2, 1, 1);
    }

    @Test
    void shouldLetFraglistGroTakeTheDatagramsWhenBothAreOn() {
        final GroTable gro = table(new GroConfig().udpGroForwarding(true).rxGroList(true));
        final int head = datagram(300);
        final int check = udpCheck(head);
        gro.receive(head, 0);
        assertThat(gro.receive(datagram(300), 0)).as("chained: is_flist").isEqualTo(GroResult.MERGED);
        final int other = datagram(300);
        store.checksumState(other, ChecksumState.UNNECESSARY);
        store.checksumLevel(other, 1);
        assertThat(gro.receive(other, 0)).as("fraglist's checksum-state rule").isEqualTo(GroResult.NORMAL);
        assertThat(gro.receive(datagram(300), 0)).isEqualTo(GroResult.MERGED);
        gro.onPollEnd(4, 64, 0);
        assertThat(up).containsExactly(other, head);
        assertThat(reasons).containsExactly(GroReason.UDP_CHECKSUM_STATE, GroReason.POLL_COMPLETE);
        assertThat(store.gsoType(head)).isEqualTo(PacketStore.GSO_FRAGLIST | PacketStore.GSO_UDP_L4);
        assertThat(udpLength(head)).isEqualTo(8 + 900);
        assertThat(udpCheck(head)).as("fraglist keeps the first datagram's checksum").isEqualTo(check);
        assertThat(store.checksumState(head)).isEqualTo(ChecksumState.UNNECESSARY);
    }

    @Test
    void shouldMergeIpv6DatagramsAndWriteThePayloadLengthUdpLengthAndPseudoHeaderSum() {
        final GroTable gro = forwarding();
        burst6(gro, 64, 200, 200, 200);
        assertThat(segments()).containsExactly(3);
        final int agg = up.get(0);
        final MutableDirectBuffer b = store.buffer();
        assertThat(u16(agg, ETH + 4)).as("payload_len").isEqualTo(8 + 600);
        assertThat(u16(agg, UDP6_AT + 4)).as("UDP length").isEqualTo(8 + 600);
        // ~udp_v6_check(608, 2001:db8::1, 2001:db8::2, 0): 2 * (0x2001 + 0x0db8) + 1 + 2 + 17 + 608 = 0x5de6
        assertThat(u16(agg, UDP6_AT + 6)).isEqualTo(0x5DE6);
        final int f = store.frameOffset(agg);
        assertThat(u16(agg, UDP6_AT + 6)).isEqualTo(InetChecksum.fold(InetChecksum.pseudoIpv6(b, f + ETH + 8,
            f + ETH + 24, 17, 608)));
        assertThat(store.length(agg)).isEqualTo(ETH + 40 + 8 + 600);
        assertThat(store.gsoType(agg)).isEqualTo(PacketStore.GSO_UDP_L4);
        assertThat(store.gsoSize(agg)).isEqualTo(200);
        assertThat(store.checksumState(agg)).isEqualTo(ChecksumState.PARTIAL);
    }

    @Test
    void shouldLetSoftwareGsoCutTheAggregateBackIntoItsDatagramsByteForByte() {
        // __udp_gso_segment(): every header copied, the UDP length and (no tx-checksumming) the full checksum of each
        // datagram, IPv4 IDs counting from the head's; the payload is zeros, which the freed datagrams carried too
        final GroTable gro = forwarding();
        final int[] sizes = {400, 400, 400, 250};
        final List<byte[]> originals = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            final int h = pb.reset().udp(40000, 5001).ipId(i).payload(sizes[i]).build();
            GroTrains.receiveState(store, h, 7, true);
            final byte[] f = new byte[store.length(h)];
            store.getFrame(h, f, 0, f.length);
            originals.add(f);
            gro.receive(h, 0);
        }
        assertThat(gro.heldCount()).as("the shorter fourth completes the aggregate").isZero();
        gro.normalList(0);
        assertThat(up).hasSize(1);
        final int agg = up.get(0);
        assertThat(store.gsoType(agg)).isEqualTo(PacketStore.GSO_UDP_L4);
        final SoftwareGso gso = new SoftwareGso(store, new OffloadFeatures(), new Counters<>(GsoCounter.class));
        assertThat(gso.needsSoftwareGso(agg)).isTrue();
        final List<byte[]> segs = new ArrayList<>();
        assertThat(gso.transmit(agg, g -> {
            final byte[] f = new byte[store.length(g)];
            store.getFrame(g, f, 0, f.length);
            segs.add(f);
            store.free(g);
        })).isEqualTo(4);
        assertThat(segs).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(segs.get(i)).as("datagram %d", i).isEqualTo(originals.get(i));
        }
    }

    @Test
    void shouldNotAllocateInUdpGroForwarding() {
        final PacketStore s = new PacketStore(4096, 256, 64);
        final PacketBuilder b = new PacketBuilder(s);
        final int flows = 8;
        final UnsafeBuffer[] templates = new UnsafeBuffer[flows];
        final int[] lengths = new int[flows];
        for (int i = 0; i < flows; i++) {
            // IPv4 and IPv6 flows of 1200-byte datagrams
            b.reset().udp(40000 + i, 5001).payload(1200);
            if ((i & 1) != 0) {
                b.ipv6(V6_NET, 1, V6_NET, 2);
            }
            final int h = b.build();
            templates[i] = new UnsafeBuffer(new byte[s.storedLength(h)]);
            templates[i].putBytes(0, s.buffer(), s.frameOffset(h), s.storedLength(h));
            lengths[i] = s.length(h);
            s.free(h);
        }
        final GroTable gro = new GroTable(s, new GroConfig().udpGroForwarding(true), (h, r, t) -> s.free(h));
        final int[] state = new int[2];
        final Runnable work = () -> {
            final int flow = state[0]++ & (flows - 1);
            final int h = s.allocate();
            s.putFrame(h, templates[flow], 0, templates[flow].capacity(), lengths[flow]);
            s.hash(h, 0x51 * (flow + 1), PacketStore.HASH_L4);
            s.checksumState(h, ChecksumState.NONE);
            gro.receive(h, 0);
            if (++state[1] == 64) {
                state[1] = 0;
                gro.onPollEnd(64, 64, 0);
                gro.onPollEnd(0, 64, 0);
            }
        };
        AllocationMeter.assertNoAllocation("UDP GRO forwarding", work);
        assertThat(gro.counters().get(GroCounter.MERGED)).isGreaterThan(0);
        assertThat(gro.counters().get(GroCounter.AGGREGATES)).isGreaterThan(0);
        assertThat(gro.reasonCounters().get(GroReason.NOT_TCP)).isZero();
    }
}
