package io.pktsim.core.packet;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.flow.FlowKeyExtractor;
import io.pktsim.core.flow.InetText;
import io.pktsim.core.header.EthernetView;
import io.pktsim.core.header.Ipv4View;
import io.pktsim.core.header.TcpView;
import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

class PacketParserTest {

    private final PacketStore store = new PacketStore(64);
    private final PacketBuilder builder = new PacketBuilder(store);
    private final PacketParser parser = new PacketParser();
    private final FlowKeyExtractor extractor = new FlowKeyExtractor();
    private final FlowKey key = new FlowKey();

    private int reparse(final int h) {
        store.networkOffset(h, -1);
        store.transportOffset(h, -1);
        return parser.parse(store, h);
    }

    @Test
    void shouldFindIpv4AndTcpBehindVlanAndPppoe() {
        final int h = builder.reset().vlan(2).pppoe(0x1234)
            .ipv4(InetText.parseIpv4("100.64.1.2"), InetText.parseIpv4("8.8.8.8"))
            .tcp(51000, 443, 1000, 1, TcpView.ACK).payload(1400).build();
        assertThat(reparse(h)).isEqualTo(PacketParser.L4);
        assertThat(store.networkOffset(h)).isEqualTo(14 + 4 + 8);
        assertThat(store.transportOffset(h)).isEqualTo(14 + 4 + 8 + 20);
        assertThat(store.protocol(h)).isEqualTo(EthernetView.ETHERTYPE_IPV4);
        assertThat(extractor.extract(store, h, key)).isTrue();
        assertThat(key.family()).isEqualTo(4);
        assertThat(InetText.ipv4(key.ipv4Src())).isEqualTo("100.64.1.2");
        assertThat(InetText.ipv4(key.ipv4Dst())).isEqualTo("8.8.8.8");
        assertThat(key.protocol()).isEqualTo(6);
        assertThat(key.srcPort()).isEqualTo(51000);
        assertThat(key.dstPort()).isEqualTo(443);
        assertThat(key.isFragment()).isFalse();
        assertThat(store.length(h)).isEqualTo(14 + 4 + 8 + 20 + 20 + 1400);
    }

    @Test
    void shouldWalkIpv6ExtensionHeaders() {
        final byte[] src = InetText.parseIpv6("2001:db8::10");
        final byte[] dst = InetText.parseIpv6("2001:db8:1::20");
        final int h = builder.reset().ipv6(InetText.hi(src), InetText.lo(src), InetText.hi(dst), InetText.lo(dst))
            .flowLabel(0xABCDE).hopByHop(8).udp(5353, 53).payload(100).build();
        assertThat(reparse(h)).isEqualTo(PacketParser.L4);
        assertThat(store.transportOffset(h)).isEqualTo(14 + 40 + 8);
        assertThat(extractor.extract(store, h, key)).isTrue();
        assertThat(key.family()).isEqualTo(6);
        assertThat(key.protocol()).isEqualTo(17);
        assertThat(key.srcPort()).isEqualTo(5353);
        assertThat(key.dstPort()).isEqualTo(53);
        assertThat(key.flowLabel()).isEqualTo(0xABCDE);
        assertThat(key.toString()).contains("2001:db8::10").contains("2001:db8:1::20");
    }

    @Test
    void shouldGiveNoPortsToANonFirstFragment() {
        final int first = builder.reset().fragWord(Ipv4View.FLAG_MF).tcp(1, 2, 0, 0, TcpView.ACK).payload(100)
            .build();
        assertThat(reparse(first)).isEqualTo(PacketParser.L4);
        extractor.extract(store, first, key);
        assertThat(key.isFragment()).isTrue();
        assertThat(key.isFirstFragment()).isTrue();
        assertThat(key.srcPort()).isEqualTo(1);

        final int later = builder.reset().fragWord(185).tcp(1, 2, 0, 0, TcpView.ACK).payload(100).build();
        assertThat(reparse(later)).isEqualTo(PacketParser.L3);
        extractor.extract(store, later, key);
        assertThat(key.isFragment()).isTrue();
        assertThat(key.isFirstFragment()).isFalse();
        assertThat(key.srcPort()).isZero();
        assertThat(key.dstPort()).isZero();
    }

    @Test
    void shouldSeeBothLayersOfIpInIp() {
        final int h = builder.reset().outerIpv4(0xC0000201, 0xC0000202).ipv4(0x0A000001, 0x0A000002)
            .udp(1111, 2222).build();
        assertThat(reparse(h)).isEqualTo(PacketParser.L4);
        assertThat(store.innerNetworkOffset(h)).isEqualTo(34);
        assertThat(store.transportOffset(h)).isEqualTo(54);
        extractor.extract(store, h, key);
        assertThat(key.protocol()).isEqualTo(FlowKey.PROTO_IPIP);
        assertThat(key.ipv4Src()).isEqualTo(0xC0000201);
        assertThat(key.srcPort()).isZero();
        assertThat(extractor.extractInner(store, h, key)).isTrue();
        assertThat(key.ipv4Src()).isEqualTo(0x0A000001);
        assertThat(key.srcPort()).isEqualTo(1111);
        assertThat(key.dstPort()).isEqualTo(2222);
    }

    @Test
    void shouldRejectTruncatedAndNonIpFrames() {
        final int h = builder.reset().build();
        store.storedLength(h, 30);
        assertThat(reparse(h)).isEqualTo(PacketParser.MALFORMED);
        assertThat(extractor.extract(store, h, key)).isFalse();
        final int arp = builder.reset().build();
        new EthernetView().wrap(store.buffer(), store.frameOffset(arp)).ethertype(EthernetView.ETHERTYPE_ARP);
        assertThat(reparse(arp)).isEqualTo(PacketParser.NOT_IP);
        final int bad = builder.reset().build();
        store.buffer().putByte(store.frameOffset(bad) + 14, (byte) 0x43);
        assertThat(reparse(bad)).as("IHL 3").isEqualTo(PacketParser.MALFORMED);
    }

    @Test
    void shouldParseRawIp() {
        final int h = builder.reset().rawIp().udp(1, 2).build();
        assertThat(store.hasFlag(h, PacketStore.FLAG_RAW_IP)).isTrue();
        assertThat(reparse(h)).isEqualTo(PacketParser.L4);
        assertThat(store.networkOffset(h)).isZero();
        assertThat(store.transportOffset(h)).isEqualTo(20);
    }

    @Test
    void shouldNotAllocateWhenExtractingFlowKeys() {
        final int v4 = builder.reset().vlan(5).tcp(1234, 80, 1, 1, TcpView.ACK).build();
        final int v6 = builder.reset().ipv6(1, 2, 3, 4).hopByHop(8).udp(9, 10).build();
        final Runnable work = () -> {
            reparse(v4);
            extractor.extract(store, v4, key);
            reparse(v6);
            extractor.extract(store, v6, key);
        };
        assertThat(AllocationMeter.measure(50_000, 50_000, work)).isZero();
        assertThat(key.dstPort()).isEqualTo(10);
    }
}
