package io.pktsim.stack.gro;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.header.InetChecksum;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import io.pktsim.nic.offload.OffloadFeatures;
import io.pktsim.stack.gso.ForwardOutput;
import io.pktsim.stack.gso.GsoCounter;
import io.pktsim.stack.gso.SoftwareGso;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * Fraglist GRO of UDP ({@code rx-gro-list}, {@code udp_gro_receive_segment()} in net/ipv4/udp_offload.c, 6.18), the
 * aggregates the live kernel made of the same bursts (veth, {@code rx-gro-list on}), and software GSO splitting a
 * UDP fraglist aggregate back into its datagrams ({@code __udp_gso_segment_list()}).
 */
class GroTableUdpFraglistTest {

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;
    private static final int ETH = 14;
    private static final int UDP_AT = ETH + 20;

    private final PacketStore store = new PacketStore(512, 256, 64);
    private final PacketBuilder pb = new PacketBuilder(store);
    private final List<Integer> up = new ArrayList<>();
    private final List<GroReason> reasons = new ArrayList<>();

    private GroTable table(final boolean groList) {
        return new GroTable(store, new GroConfig().rxGroList(groList), (h, r, t) -> {
            up.add(h);
            reasons.add(r);
        });
    }

    /** {@link GroTrains#udpDatagram}. */
    private int datagram(final int payload) {
        return GroTrains.udpDatagram(pb, store, payload);
    }

    private int segsOf(final int h) {
        return Math.max(1, store.gsoSegs(h));
    }

    private List<Integer> segments() {
        return GroTrains.segmentCounts(store, up);
    }

    private int udpLength(final int h) {
        return store.buffer().getShort(store.frameOffset(h) + UDP_AT + 4, NET) & 0xFFFF;
    }

    private int ipLength(final int h) {
        return store.buffer().getShort(store.frameOffset(h) + ETH + 2, NET) & 0xFFFF;
    }

    /** Sends the payload sizes in one poll (of the given weight) and ends it. */
    private void burst(final GroTable gro, final int weight, final int... payloads) {
        for (final int p : payloads) {
            gro.receive(datagram(p), 0);
        }
        gro.onPollEnd(payloads.length, weight, 0);
    }

    @Test
    void shouldPassEveryDatagramUpAloneWithoutRxGroList() {
        final GroTable gro = table(false);
        burst(gro, 64, 1000, 1000, 1000, 1000);
        assertThat(segments()).containsExactly(1, 1, 1, 1);
        assertThat(reasons).containsOnly(GroReason.NOT_TCP);
        assertThat(gro.counters().get(GroCounter.HELD)).isZero();
    }

    @Test
    void shouldChainUpToTheShorterDatagramAsTheKernelDoes() {
        // live kernel: 1000, 1000, 500, 1000 -> [3 datagrams], [1]
        final GroTable gro = table(true);
        burst(gro, 64, 1000, 1000, 500, 1000);
        assertThat(segments()).containsExactly(3, 1);
        assertThat(reasons).containsExactly(GroReason.SHORT_SEGMENT, GroReason.POLL_COMPLETE);
        assertThat(udpLength(up.get(0))).isEqualTo(8 + 2500);
        assertThat(udpLength(up.get(1))).isEqualTo(8 + 1000);
    }

    @Test
    void shouldCompleteTheHeldDatagramWhenALongerOneArrivesAsTheKernelDoes() {
        // live kernel: 1000, 1200, 1200, 1000 -> [1], [3]
        final GroTable gro = table(true);
        burst(gro, 64, 1000, 1200, 1200, 1000);
        assertThat(segments()).containsExactly(1, 3);
        assertThat(reasons).containsExactly(GroReason.LARGER_THAN_MSS, GroReason.SHORT_SEGMENT);
        assertThat(udpLength(up.get(1))).isEqualTo(8 + 3400);
    }

    @Test
    void shouldStopBelow64KibAt44DatagramsOf1472BytesAsTheKernelDoes() {
        // skb_gro_receive_list(): p->len + skb->len >= 65536, skb counted whole: 1500 + 43 * 1472 + 1500 > 65535
        final GroTable gro = table(true);
        final int[] sizes = new int[50];
        Arrays.fill(sizes, 1472);
        burst(gro, 64, sizes);
        assertThat(segments()).containsExactly(44, 6);
        assertThat(reasons).containsExactly(GroReason.MAX_SIZE, GroReason.POLL_COMPLETE);
        assertThat(ipLength(up.get(0))).isEqualTo(20 + 8 + 44 * 1472);
    }

    @Test
    void shouldCompleteTheAggregateWithIts64thDatagramAsTheKernelDoes() {
        // UDP_GRO_CNT_MAX: the 64th completes it (TCP refuses the 65th instead)
        final GroTable gro = table(true);
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
    }

    @Test
    void shouldPassADatagramWithoutChecksumUpAloneLeavingTheHeldOneHeld() {
        final GroTable gro = table(true);
        gro.receive(datagram(100), 0);
        final int noCsum = datagram(100);
        store.buffer().putShort(store.frameOffset(noCsum) + UDP_AT + 6, (short) 0);
        assertThat(gro.receive(noCsum, 0)).isEqualTo(GroResult.NORMAL);
        assertThat(gro.heldCount()).isEqualTo(1);
        assertThat(gro.receive(datagram(100), 0)).isEqualTo(GroResult.MERGED);
        gro.onPollEnd(3, 64, 0);
        assertThat(up).hasSize(2);
        assertThat(up.get(0)).isEqualTo(noCsum);
        assertThat(reasons).containsExactly(GroReason.UDP_NO_CHECKSUM, GroReason.POLL_COMPLETE);
        assertThat(segsOf(up.get(1))).isEqualTo(2);
        assertThat(gro.counters().get(GroCounter.BYPASS)).isEqualTo(1);
    }

    @Test
    void shouldPassPaddedOrBadLengthDatagramsUpAloneLeavingTheHeldOneHeld() {
        final GroTable gro = table(true);
        gro.receive(datagram(10), 0);
        // 14 + 20 + 8 + 10 = 52 bytes, padded to Ethernet's 60: the UDP length is not the bytes after the IP header
        final int padded = datagram(10);
        store.length(padded, 60);
        assertThat(gro.receive(padded, 0)).isEqualTo(GroResult.NORMAL);
        // a UDP length of 8 (no payload) in a datagram of 10 payload bytes, its checksum trusted
        final int bad = datagram(10);
        store.buffer().putShort(store.frameOffset(bad) + UDP_AT + 4, (short) 8, NET);
        store.checksumState(bad, ChecksumState.UNNECESSARY);
        assertThat(gro.receive(bad, 0)).isEqualTo(GroResult.NORMAL);
        assertThat(gro.heldCount()).isEqualTo(1);
        assertThat(gro.receive(datagram(10), 0)).isEqualTo(GroResult.MERGED);
        gro.onPollEnd(4, 64, 0);
        assertThat(up).containsExactly(padded, bad, up.get(2));
        assertThat(reasons).containsExactly(GroReason.UDP_LENGTH, GroReason.UDP_LENGTH, GroReason.POLL_COMPLETE);
        assertThat(segsOf(up.get(2))).isEqualTo(2);
    }

    @Test
    void shouldPassADatagramWithABadChecksumUpAlone() {
        final GroTable gro = table(true);
        gro.receive(datagram(100), 0);
        final int bad = pb.reset().udp(40000, 5001).payload(100).checksumMode(PacketBuilder.CSUM_BAD).build();
        GroTrains.receiveState(store, bad, 7, true);
        assertThat(gro.receive(bad, 0)).isEqualTo(GroResult.NORMAL);
        assertThat(gro.heldCount()).isEqualTo(1);
        gro.onPollEnd(2, 64, 0);
        assertThat(reasons).containsExactly(GroReason.UDP_BAD_CHECKSUM, GroReason.POLL_COMPLETE);
    }

    @Test
    void shouldPassADatagramOfAnotherChecksumStateUpAloneLeavingTheHeldOneHeld() {
        final GroTable gro = table(true);
        final int head = datagram(100);
        store.checksumState(head, ChecksumState.UNNECESSARY);
        gro.receive(head, 0);
        final int other = datagram(100);
        store.checksumState(other, ChecksumState.UNNECESSARY);
        store.checksumLevel(other, 1);
        assertThat(gro.receive(other, 0)).isEqualTo(GroResult.NORMAL);
        assertThat(gro.heldCount()).as("the held datagram stays held").isEqualTo(1);
        assertThat(gro.pendingCount()).isEqualTo(1);
        // CHECKSUM_NONE verified here becomes UNNECESSARY at level 0: the same state as the head's
        assertThat(gro.receive(datagram(100), 0)).isEqualTo(GroResult.MERGED);
        gro.onPollEnd(3, 64, 0);
        assertThat(up).containsExactly(other, head);
        assertThat(reasons).containsExactly(GroReason.UDP_CHECKSUM_STATE, GroReason.POLL_COMPLETE);
        assertThat(segsOf(head)).isEqualTo(2);
        assertThat(gro.counters().get(GroCounter.BYPASS)).isZero();
    }

    @Test
    void shouldKeepUdpAndTcpOfTheSameAddressesAndPortsApart() {
        final GroTable gro = table(true);
        final int udp = datagram(100);
        assertThat(gro.receive(udp, 0)).isEqualTo(GroResult.HELD);
        final int tcp = pb.reset().tcp(40000, 5001, 1, 1, TcpView.ACK).payload(100).build();
        GroTrains.receiveState(store, tcp, 7, true);
        assertThat(gro.receive(tcp, 0)).as("another protocol is another flow").isEqualTo(GroResult.HELD);
        final int tcp2 = pb.reset().tcp(40000, 5001, 101, 1, TcpView.ACK).payload(100).build();
        GroTrains.receiveState(store, tcp2, 7, true);
        assertThat(gro.receive(tcp2, 0)).isEqualTo(GroResult.MERGED);
        assertThat(gro.receive(datagram(100), 0)).isEqualTo(GroResult.MERGED);
        assertThat(gro.heldCount()).isEqualTo(2);
        gro.onPollEnd(4, 64, 0);
        assertThat(up).containsExactly(udp, tcp);
        assertThat(store.gsoType(udp)).isEqualTo(PacketStore.GSO_FRAGLIST | PacketStore.GSO_UDP_L4);
        assertThat(store.gsoType(tcp) & PacketStore.GSO_TCPV4).isNotZero();
        assertThat(store.gsoType(tcp) & PacketStore.GSO_UDP_L4).isZero();
    }

    @Test
    void shouldWriteTheUdpLengthAndKeepTheUdpChecksumOnCompletion() {
        final GroTable gro = table(true);
        final int head = datagram(300);
        final int check = store.buffer().getShort(store.frameOffset(head) + UDP_AT + 6, NET) & 0xFFFF;
        burstAfter(gro, head, 300, 300, 300);
        assertThat(up).containsExactly(head);
        assertThat(ipLength(head)).isEqualTo(20 + 8 + 4 * 300);
        assertThat(udpLength(head)).isEqualTo(8 + 4 * 300);
        assertThat(store.buffer().getShort(store.frameOffset(head) + UDP_AT + 6, NET) & 0xFFFF)
            .as("the first datagram's own UDP checksum").isEqualTo(check);
        assertThat(InetChecksum.fold(InetChecksum.sum(store.buffer(), store.frameOffset(head) + ETH, 20, 0)))
            .as("the IPv4 header checksum follows the length").isEqualTo(0xFFFF);
        assertThat(store.length(head)).isEqualTo(ETH + 20 + 8 + 4 * 300);
        assertThat(store.gsoSize(head)).isEqualTo(300);
        assertThat(store.gsoSegs(head)).isEqualTo(4);
        assertThat(store.gsoType(head)).isEqualTo(PacketStore.GSO_FRAGLIST | PacketStore.GSO_UDP_L4);
        // CHECKSUM_NONE, verified by GRO (UNNECESSARY, level 0), then __skb_incr_checksum_unnecessary()
        assertThat(store.checksumState(head)).isEqualTo(ChecksumState.UNNECESSARY);
        assertThat(store.checksumLevel(head)).isEqualTo(1);
        int chained = 0;
        for (int g = store.next(head); g != PacketStore.NO_PACKET; g = store.next(g)) {
            chained++;
        }
        assertThat(chained).isEqualTo(3);
    }

    private void burstAfter(final GroTable gro, final int head, final int... payloads) {
        gro.receive(head, 0);
        for (final int p : payloads) {
            gro.receive(datagram(p), 0);
        }
        gro.onPollEnd(payloads.length + 1, 64, 0);
    }

    @Test
    void shouldChainIpv6DatagramsAndWriteThePayloadAndUdpLengths() {
        final GroTable gro = table(true);
        for (int i = 0; i < 3; i++) {
            final int h = pb.reset().ipv6(0x2001_0db8_0000_0000L, 1, 0x2001_0db8_0000_0000L, 2).udp(40000, 5001)
                .payload(200).build();
            GroTrains.receiveState(store, h, 7, true);
            gro.receive(h, 0);
        }
        gro.onPollEnd(3, 64, 0);
        assertThat(segments()).containsExactly(3);
        final int agg = up.get(0);
        final MutableDirectBuffer b = store.buffer();
        assertThat(b.getShort(store.frameOffset(agg) + ETH + 4, NET) & 0xFFFF).isEqualTo(8 + 600);
        assertThat(b.getShort(store.frameOffset(agg) + ETH + 40 + 4, NET) & 0xFFFF).isEqualTo(8 + 600);
        assertThat(store.gsoType(agg)).isEqualTo(PacketStore.GSO_FRAGLIST | PacketStore.GSO_UDP_L4);
    }

    @Test
    void shouldSplitAUdpFraglistAggregateBackIntoItsDatagramsByteForByte() {
        final PacketStore big = new PacketStore(64, 1024, 64);
        final PacketBuilder b = new PacketBuilder(big);
        final List<Integer> out = new ArrayList<>();
        final GroTable gro = new GroTable(big, new GroConfig().rxGroList(true), (h, r, t) -> out.add(h));
        final int[] sizes = {400, 400, 400, 250};
        final List<byte[]> originals = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            final int h = b.reset().udp(40000, 5001).ipId(i).payload(sizes[i]).storePayload(true, 0x41 + i).build();
            GroTrains.receiveState(big, h, 7, true);
            final byte[] f = new byte[big.length(h)];
            big.getFrame(h, f, 0, f.length);
            originals.add(f);
            gro.receive(h, 0);
        }
        assertThat(gro.heldCount()).as("the shorter fourth completes the aggregate").isZero();
        gro.normalList(0);
        assertThat(out).hasSize(1);
        final int agg = out.get(0);
        assertThat(big.gsoSegs(agg)).isEqualTo(4);
        final SoftwareGso gso = new SoftwareGso(big, new OffloadFeatures().txChecksum(true),
            new Counters<>(GsoCounter.class));
        final List<byte[]> segs = new ArrayList<>();
        final List<Integer> handles = new ArrayList<>();
        assertThat(gso.needsSoftwareGso(agg)).as("no device takes a fraglist aggregate whole").isTrue();
        assertThat(gso.transmit(agg, g -> {
            final byte[] f = new byte[big.length(g)];
            big.getFrame(g, f, 0, f.length);
            segs.add(f);
            handles.add(g);
        })).isEqualTo(4);
        assertThat(segs).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(segs.get(i)).as("datagram %d", i).isEqualTo(originals.get(i));
            assertThat(big.gsoSize(handles.get(i))).isZero();
            assertThat(big.next(handles.get(i))).isEqualTo(PacketStore.NO_PACKET);
        }
    }

    @Test
    void shouldGiveListedDatagramsTheHeadsAddressesAndPortsWithTheirChecksumsUpdated() {
        final GroTable gro = table(true);
        final int head = datagram(100);
        burstAfter(gro, head, 100, 100);
        assertThat(up).containsExactly(head);
        // source NAT on the way out: the head's source address and port change (its checksum with them)
        final MutableDirectBuffer b = store.buffer();
        final int f = store.frameOffset(head);
        final int oldAddr = b.getInt(f + ETH + 12, NET);
        final int oldPorts = b.getInt(f + UDP_AT, NET);
        final int newAddr = 0xC633_6401;
        final int newPorts = (61000 << 16) | 5001;
        b.putInt(f + ETH + 12, newAddr, NET);
        b.putShort(f + ETH + 10, (short) InetChecksum.replace32(b.getShort(f + ETH + 10, NET) & 0xFFFF, oldAddr,
            newAddr), NET);
        b.putInt(f + UDP_AT, newPorts, NET);
        b.putShort(f + UDP_AT + 6, (short) InetChecksum.replace32(InetChecksum.replace32(
            b.getShort(f + UDP_AT + 6, NET) & 0xFFFF, oldAddr, newAddr), oldPorts, newPorts), NET);
        final ForwardOutput fwd = new ForwardOutput(store, new OffloadFeatures());
        final List<Integer> segs = new ArrayList<>();
        assertThat(fwd.forward(head, 1500, segs::add)).isEqualTo(ForwardOutput.SENT);
        assertThat(segs).hasSize(3);
        for (final int g : segs) {
            final int gf = store.frameOffset(g);
            assertThat(b.getInt(gf + ETH + 12, NET)).isEqualTo(newAddr);
            assertThat(b.getInt(gf + UDP_AT, NET)).isEqualTo(newPorts);
            assertThat(udpLength(g)).isEqualTo(108);
            assertThat(InetChecksum.fold(InetChecksum.sum(b, gf + ETH, 20, 0))).isEqualTo(0xFFFF);
            final long pseudo = InetChecksum.pseudoIpv4(newAddr, b.getInt(gf + ETH + 16, NET), 17, 108);
            assertThat(InetChecksum.fold(InetChecksum.sum(b, gf + UDP_AT, 8, pseudo)))
                .as("the UDP checksum of segment %d (payload zeros)", g).isEqualTo(0xFFFF);
        }
    }
}
