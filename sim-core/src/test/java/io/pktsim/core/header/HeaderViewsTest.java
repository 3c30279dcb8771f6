package io.pktsim.core.header;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.flow.InetText;
import io.pktsim.core.packet.ChecksumState;
import io.pktsim.core.packet.PacketBuilder;
import io.pktsim.core.packet.PacketStore;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class HeaderViewsTest {

    private final PacketStore store = new PacketStore(16, 2048, 64);
    private final PacketBuilder builder = new PacketBuilder(store);

    /** A checksum written independently of InetChecksum: 16-bit words of a byte array, RFC 1071. */
    static int referenceChecksum(final byte[] data, final int off, final int len, final long initial) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((data[off + i] & 0xFF) << 8) | (data[off + i + 1] & 0xFF);
        }
        if ((len & 1) == 1) {
            sum += (data[off + len - 1] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    private byte[] frame(final int h) {
        final byte[] out = new byte[store.length(h)];
        store.getFrame(h, out, 0, out.length);
        return out;
    }

    @Test
    void shouldWriteTheMacsByteForByteInEitherOrderLeavingTheOtherBytesAlone() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[20]);
        for (int i = 0; i < 20; i++) {
            b.putByte(i, (byte) (0xA0 + i));
        }
        final EthernetView eth = new EthernetView().wrap(b, 3);
        // bits above the 48 of a MAC are ignored
        eth.dst(0xFFFF_0102_0304_0506L).src(0x0708_090A_0B0CL);
        final byte[] got = new byte[20];
        b.getBytes(0, got);
        assertThat(got).containsExactly(0xA0, 0xA1, 0xA2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xAF, 0xB0, 0xB1,
            0xB2, 0xB3);
        eth.src(0x1112_1314_1516L).dst(0x2122_2324_2526L).ethertype(EthernetView.ETHERTYPE_VLAN);
        b.getBytes(0, got);
        assertThat(got).containsExactly(0xA0, 0xA1, 0xA2, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x11, 0x12, 0x13, 0x14,
            0x15, 0x16, 0x81, 0x00, 0xB1, 0xB2, 0xB3);
        assertThat(eth.dst()).isEqualTo(0x2122_2324_2526L);
        assertThat(eth.src()).isEqualTo(0x1112_1314_1516L);
    }

    @Test
    void shouldWriteBothAddressesAsDstThenSrcDo() {
        final UnsafeBuffer one = new UnsafeBuffer(new byte[20]);
        final UnsafeBuffer two = new UnsafeBuffer(new byte[20]);
        for (int i = 0; i < 20; i++) {
            one.putByte(i, (byte) (0xA0 + i));
            two.putByte(i, (byte) (0xA0 + i));
        }
        // bits above the 48 of a MAC are ignored by both
        new EthernetView().wrap(one, 3).dst(0xFFFF_0102_0304_0506L).src(0xEEEE_0708_090A_0B0CL);
        new EthernetView().wrap(two, 3).addresses(0xFFFF_0102_0304_0506L, 0xEEEE_0708_090A_0B0CL);
        final byte[] want = new byte[20];
        final byte[] got = new byte[20];
        one.getBytes(0, want);
        two.getBytes(0, got);
        assertThat(got).containsExactly(want);
        assertThat(got).containsExactly(0xA0, 0xA1, 0xA2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0xAF, 0xB0, 0xB1,
            0xB2, 0xB3);
    }

    @Test
    void shouldWriteAWholeHeaderAsTheViewDoes() {
        final UnsafeBuffer one = new UnsafeBuffer(new byte[20]);
        final UnsafeBuffer two = new UnsafeBuffer(new byte[20]);
        for (int i = 0; i < 20; i++) {
            one.putByte(i, (byte) (0xA0 + i));
            two.putByte(i, (byte) (0xA0 + i));
        }
        new EthernetView().wrap(one, 3).addresses(0xFFFF_0102_0304_0506L, 0xEEEE_0708_090A_0B0CL).ethertype(0x86DD);
        EthernetView.write(two.byteArray(), FrameBytes.address(two, 3, EthernetView.LENGTH), 0xFFFF_0102_0304_0506L,
            0xEEEE_0708_090A_0B0CL, 0x86DD);
        final byte[] want = new byte[20];
        final byte[] got = new byte[20];
        one.getBytes(0, want);
        two.getBytes(0, got);
        assertThat(got).containsExactly(want);
        assertThat(got).containsExactly(0xA0, 0xA1, 0xA2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0x86, 0xDD, 0xB1,
            0xB2, 0xB3);
    }

    @Test
    void shouldComputeTheIpv4HeaderChecksumOfAKnownHeader() {
        // a classic worked example: 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7
        final UnsafeBuffer b = new UnsafeBuffer(new byte[20]);
        final Ipv4View ip = new Ipv4View().wrap(b, 0);
        ip.set(0, 0x73, 0, Ipv4View.FLAG_DF, 64, 17, InetText.parseIpv4("192.168.0.1"),
            InetText.parseIpv4("192.168.0.199"));
        assertThat(ip.checksum()).isEqualTo(0xB861);
        assertThat(ip.checksumValid()).isTrue();
        b.putByte(8, (byte) 63);
        assertThat(ip.checksumValid()).isFalse();
    }

    @Test
    void shouldBuildTcpSegmentsWithACorrectChecksum() {
        final int h = builder.reset().ipv4(0xC0A80101, 0x08080808).tcp(40000, 443, 123456, 654321, TcpView.ACK
            | TcpView.PSH).mss(1460).timestamps(1, 2).windowScale(7).sackPermitted(true)
            .payload(333).storePayload(true, 0x5A).build();
        final byte[] f = frame(h);
        final int l4 = store.transportOffset(h);
        final int l4Len = f.length - l4;
        final long pseudo = 0xC0A8L + 0x0101L + 0x0808L + 0x0808L + 6 + l4Len;
        assertThat(referenceChecksum(f, l4, l4Len, pseudo)).as("sum including the checksum field").isZero();
        final TcpView tcp = new TcpView().wrap(store.buffer(), store.transportHeaderOffset(h));
        assertThat(tcp.headerLength()).isEqualTo(20 + 4 + 4 + 12 + 4);
        assertThat(tcp.mssOption()).isEqualTo(1460);
        assertThat(tcp.timestampValue()).isEqualTo(1);
        assertThat(tcp.timestampEcho()).isEqualTo(2);
        assertThat(tcp.findOption(TcpView.OPT_SACK_PERM)).isPositive();
        assertThat(tcp.findOption(TcpView.OPT_WSCALE)).isPositive();
        assertThat(tcp.findOption(TcpView.OPT_SACK)).isEqualTo(-1);
        assertThat(tcp.flags()).isEqualTo(TcpView.ACK | TcpView.PSH);
    }

    @Test
    void shouldGiveTheSameChecksumWhetherThePayloadIsStoredOrImplied() {
        final int stored = builder.reset().udp(1, 2).payload(501).storePayload(true, 0).build();
        final int implied = builder.reset().udp(1, 2).payload(501).build();
        final UdpView u = new UdpView();
        final int a = u.wrap(store.buffer(), store.transportHeaderOffset(stored)).checksum();
        final int b = u.wrap(store.buffer(), store.transportHeaderOffset(implied)).checksum();
        assertThat(a).isEqualTo(b);
        assertThat(store.storedLength(implied)).isEqualTo(14 + 20 + 8);
        assertThat(store.length(implied)).isEqualTo(14 + 20 + 8 + 501);
    }

    @Test
    void shouldChecksumIpv6UpperLayerWithThePseudoHeader() {
        final byte[] s = InetText.parseIpv6("fe80::1");
        final byte[] d = InetText.parseIpv6("ff02::fb");
        final int h = builder.reset().ipv6(InetText.hi(s), InetText.lo(s), InetText.hi(d), InetText.lo(d))
            .tcp(1, 2, 3, 4, TcpView.SYN).payload(17).storePayload(true, 0xA5).build();
        final byte[] f = frame(h);
        long pseudo = 0;
        for (int i = 0; i < 16; i += 2) {
            pseudo += ((s[i] & 0xFF) << 8) | (s[i + 1] & 0xFF);
            pseudo += ((d[i] & 0xFF) << 8) | (d[i + 1] & 0xFF);
        }
        final int l4 = store.transportOffset(h);
        pseudo += 6 + (f.length - l4);
        assertThat(referenceChecksum(f, l4, f.length - l4, pseudo)).isZero();
    }

    @Test
    void shouldLeaveOnlyThePseudoHeaderSumForPartialChecksums() {
        final int h = builder.reset().checksumMode(PacketBuilder.CSUM_PARTIAL).tcp(1, 2, 3, 4, TcpView.ACK)
            .payload(1000).build();
        assertThat(store.checksumState(h)).isEqualTo(ChecksumState.PARTIAL);
        final TcpView tcp = new TcpView().wrap(store.buffer(), store.transportHeaderOffset(h));
        final long pseudo = InetChecksum.pseudoIpv4(0x0A000001, 0x0A000002, 6, 1020);
        assertThat(tcp.checksum()).isEqualTo(InetChecksum.fold(pseudo));
        final int bad = builder.reset().checksumMode(PacketBuilder.CSUM_BAD).tcp(1, 2, 3, 4, TcpView.ACK).build();
        final int good = builder.reset().tcp(1, 2, 3, 4, TcpView.ACK).build();
        final int badSum = tcp.wrap(store.buffer(), store.transportHeaderOffset(bad)).checksum();
        final int goodSum = tcp.wrap(store.buffer(), store.transportHeaderOffset(good)).checksum();
        assertThat(badSum).isEqualTo(goodSum ^ 1);
    }

    @Property(tries = 300)
    void shouldKeepTheChecksumRightWhenClampingMssOrDecrementingTtl(
        @ForAll @IntRange(min = 536, max = 9000) final int mss,
        @ForAll @IntRange(min = 88, max = 1460) final int newMss,
        @ForAll @IntRange(min = 2, max = 255) final int ttl) {
        final int h = builder.reset().ttl(ttl).tcp(1, 2, 3, 4, TcpView.SYN).mss(mss).timestamps(9, 9).build();
        final TcpView tcp = new TcpView().wrap(store.buffer(), store.transportHeaderOffset(h));
        assertThat(tcp.mssOption(newMss)).isTrue();
        assertThat(tcp.mssOption()).isEqualTo(newMss);
        final Ipv4View ip = new Ipv4View().wrap(store.buffer(), store.networkHeaderOffset(h));
        assertThat(ip.decrementTtl()).isEqualTo(ttl - 1);
        assertThat(ip.checksumValid()).isTrue();
        final byte[] f = frame(h);
        final int l4 = store.transportOffset(h);
        final long pseudo = InetChecksum.pseudoIpv4(0x0A000001, 0x0A000002, 6, f.length - l4);
        assertThat(referenceChecksum(f, l4, f.length - l4, pseudo)).isZero();
        store.free(h);
    }

    @Property(tries = 300)
    void shouldAgreeWithTheReferenceChecksumForAnyLength(
        @ForAll @IntRange(min = 0, max = 300) final int len,
        @ForAll @IntRange(min = 0, max = 3) final int off) {
        final byte[] data = new byte[len + off];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + len);
        }
        final UnsafeBuffer b = new UnsafeBuffer(data);
        assertThat(InetChecksum.finish(InetChecksum.sum(b, off, len, 0))).isEqualTo(referenceChecksum(data, off,
            len, 0));
    }

    @Test
    void shouldDescribeHeadersInText() {
        final int h = builder.reset().vlan(12).pppoe(0x2a).tcp(40000, 80, 7, 9, TcpView.SYN | TcpView.ACK)
            .mss(1452).build();
        final StringBuilder sb = new StringBuilder();
        final int f = store.frameOffset(h);
        new EthernetView().wrap(store.buffer(), f).describe(sb).append(" | ");
        new VlanView().wrap(store.buffer(), f + 14).describe(sb).append(" | ");
        new PppoeView().wrap(store.buffer(), f + 18).describe(sb).append(" | ");
        new Ipv4View().wrap(store.buffer(), f + 26).describe(sb).append(" | ");
        new TcpView().wrap(store.buffer(), f + 46).describe(sb);
        assertThat(sb.toString())
            .contains("02:00:00:00:00:01 > 02:00:00:00:00:02 type 0x8100")
            .contains("802.1Q vlan 12")
            .contains("PPPoE session 0x2a")
            .contains("ppp 0x0021")
            .contains("IPv4 10.0.0.1 > 10.0.0.2 proto 6")
            .contains("DF").contains("cksum ok")
            .contains("TCP 40000 > 80 [SYN,ACK] seq 7 ack 9")
            .contains("mss 1452");
        final PppoeView p = new PppoeView().wrap(store.buffer(), f + 18);
        assertThat(p.payloadLength()).as("PPP protocol + IP packet").isEqualTo(2 + 20 + 24);
        assertThat(p.versionType()).isEqualTo(0x11);
    }

    @Test
    void shouldReadAndWriteIpv6Fields() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[64]);
        final Ipv6View v6 = new Ipv6View().wrap(b, 0).versionClassLabel(0xB8, 0xFFFFF).payloadLength(24)
            .nextHeader(Ipv6View.NEXTHDR_FRAGMENT).hopLimit(255).src(1L, 2L).dst(-1L, -2L);
        b.putByte(40, (byte) 17);
        b.putShort(42, (short) ((100 << 3) | 1), java.nio.ByteOrder.BIG_ENDIAN);
        assertThat(v6.version()).isEqualTo(6);
        assertThat(v6.trafficClass()).isEqualTo(0xB8);
        assertThat(v6.flowLabel()).isEqualTo(0xFFFFF);
        assertThat(v6.dstLo()).isEqualTo(-2L);
        assertThat(v6.walkExtensionHeaders(64)).isTrue();
        assertThat(v6.isFragment()).isTrue();
        assertThat(v6.fragmentWord() >>> 3).isEqualTo(100);
        assertThat(v6.upperLayerProtocol()).isEqualTo(17);
        assertThat(v6.upperLayerOffset()).isEqualTo(48);
        assertThat(v6.walkExtensionHeaders(44)).as("fragment header truncated").isFalse();
    }
}
