package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pktsim.core.flow.FlowKey;
import io.pktsim.core.hash.Jhash;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.stack.fib.MultipathLookup;
import org.junit.jupiter.api.Test;

class MultipathHashTest {

    private static final long SEED = 0x12345678L;

    private static MultipathLookup v4(final int src, final int dst, final int proto, final int sp, final int dp) {
        final MultipathLookup l = new MultipathLookup().reset();
        l.key().setIpv4(src, dst, proto, sp, dp);
        return l;
    }

    private static MultipathLookup v6(final long srcLo, final long dstLo, final int proto, final int sp,
        final int dp, final int label) {
        final MultipathLookup l = new MultipathLookup().reset();
        l.key().setIpv6(0xfd00_0000_0000_0000L, srcLo, 0x2001_0db8_8000_0000L, dstLo, proto, sp, dp, label);
        return l;
    }

    @Test
    void shouldUseAPresetL4HashUnderPolicy1OnThePacketPathOnly() {
        final MultipathHash h = new MultipathHash(4, 1, 7, SEED);
        final MultipathLookup l = v4(0x0A000001, 0xAC100001, 6, 1000, 80);
        final int computed = h.hash(l);
        // MT7621 PPE: skb->hash = jhash_1word(foe_index, 0), flagged L4.
        final int ppe = Jhash.jhash1Word(1234, 0);
        l.skbHash(ppe, true);
        assertThat(h.hash(l)).isEqualTo(ppe >>> 1).isNotEqualTo(computed);
        l.skbHash(ppe, false);
        assertThat(h.hash(l)).isEqualTo(computed);
        l.skbHash(ppe, true).packetPath(false);
        assertThat(h.hash(l)).isEqualTo(computed);
        // Policy 0 never looks at skb->hash.
        final MultipathHash p0 = new MultipathHash(4, 0, 7, SEED);
        l.packetPath(true);
        final int withHash = p0.hash(l);
        l.skbHash(0, false);
        assertThat(p0.hash(l)).isEqualTo(withHash);
    }

    @Test
    void shouldHashFragmentsAndPortlessProtocolsWithPorts0OnThePacketPath() {
        final MultipathHash h = new MultipathHash(4, 1, 7, SEED);
        final MultipathLookup frag = v4(0x0A000001, 0xAC100001, 17, 1000, 53);
        frag.key().setFragment(true, true);
        final int fragHash = h.hash(frag);
        assertThat(fragHash).isEqualTo(h.hash(v4(0x0A000001, 0xAC100001, 17, 0, 0)))
            .isNotEqualTo(h.hash(v4(0x0A000001, 0xAC100001, 17, 1000, 53)));
        assertThat(h.hash(v4(0x0A000001, 0xAC100001, 1, 7, 9))).isEqualTo(h.hash(v4(0x0A000001, 0xAC100001, 1, 0, 0)));
        // The flow path hashes whatever ports the flow descriptor has.
        final MultipathLookup icmpFlow = v4(0x0A000001, 0xAC100001, 1, 7, 9).packetPath(false);
        assertThat(h.hash(icmpFlow)).isNotEqualTo(h.hash(v4(0x0A000001, 0xAC100001, 1, 0, 0)));
    }

    @Test
    void shouldHashAnIcmpErrorOnItsEmbeddedHeaderUnderPolicy0ButNotUnderPolicy2() {
        final MultipathHash p0 = new MultipathHash(4, 0, 7, SEED);
        final MultipathHash p2 = new MultipathHash(4, 2, 7, SEED);
        // An ICMP error from a router 192.0.2.9 about the flow 172.16.0.1 -> 10.0.0.1.
        final MultipathLookup err = v4(0xC0000209, 0x0A000001, 1, 0, 0).hasIcmpEmbedded(true);
        err.icmpEmbeddedKey().setIpv4(0x0A000001, 0xAC100001, 6, 80, 1000);
        final int flow = p0.hash(v4(0x0A000001, 0xAC100001, 6, 1000, 80));
        assertThat(p0.hash(err)).isEqualTo(flow);
        assertThat(p2.hash(err)).isEqualTo(p0.hash(v4(0xC0000209, 0x0A000001, 1, 0, 0))).isNotEqualTo(flow);
    }

    @Test
    void shouldHashTheInnerHeaderOfATunnelUnderPolicy2() {
        final MultipathHash p2 = new MultipathHash(4, 2, 7, SEED);
        final MultipathLookup ipip = v4(0xC6336401, 0xCB007101, FlowKey.PROTO_IPIP, 0, 0).hasInner(true);
        ipip.innerKey().setIpv4(0x0A000001, 0xAC100001, 6, 1000, 80);
        final MultipathLookup plainInner = v4(0x0A000001, 0xAC100001, 0, 0, 0);
        assertThat(p2.hash(ipip)).isEqualTo(p2.hash(plainInner));
        // An IPv6 inner header switches the image to the IPv6 layout even on an IPv4 route.
        final MultipathLookup sit = v4(0xC6336401, 0xCB007101, FlowKey.PROTO_IPV6, 0, 0).hasInner(true);
        sit.innerKey().setIpv6(1, 2, 3, 4, 17, 5, 6, 0x12345);
        final int h = p2.hash(sit);
        final byte[] bytes = new byte[72];
        assertThat(p2.lastHashedWords(bytes)).isEqualTo(72);
        // Inner label in CPU order: 0x12345 little-endian at image offset 12 (hashed byte 4).
        assertThat(bytes[4]).isEqualTo((byte) 0x45);
        assertThat(bytes[6]).isEqualTo((byte) 0x01);
        assertThat(h).isBetween(0, Integer.MAX_VALUE);
    }

    @Test
    void shouldWriteTheFlowLabelBigEndianUnderPolicy0AndInCpuOrderFromTheDissector() {
        final MultipathHash p0 = new MultipathHash(6, 0, 7, SEED);
        final MultipathHash p2 = new MultipathHash(6, 2, 7, SEED);
        final byte[] bytes = new byte[72];
        p0.hash(v6(1, 2, 6, 0, 0, 0x12345));
        p0.lastHashedWords(bytes);
        assertThat(new byte[] {bytes[4], bytes[5], bytes[6], bytes[7]}).containsExactly(0x00, 0x01, 0x23, 0x45);
        p2.hash(v6(1, 2, 6, 0, 0, 0x12345));
        p2.lastHashedWords(bytes);
        assertThat(new byte[] {bytes[4], bytes[5], bytes[6], bytes[7]}).containsExactly(0x45, 0x23, 0x01, 0x00);
        // With label 0 a plain packet hashes alike under policies 0 and 2; with a label it does not.
        assertThat(p2.hash(v6(1, 2, 6, 5, 6, 0))).isEqualTo(p0.hash(v6(1, 2, 6, 5, 6, 0)));
        assertThat(p2.hash(v6(1, 2, 6, 5, 6, 7))).isNotEqualTo(p0.hash(v6(1, 2, 6, 5, 6, 7)));
        // On the flow path policy 2 is policy 0.
        assertThat(p2.hash(v6(1, 2, 6, 5, 6, 7).packetPath(false)))
            .isEqualTo(p0.hash(v6(1, 2, 6, 5, 6, 7).packetPath(false)));
    }

    @Test
    void shouldHashTheFirstNextHeaderUnderIpv6Policy0OnThePacketPath() {
        final MultipathHash p0 = new MultipathHash(6, 0, 7, SEED);
        final MultipathLookup withHopByHop = v6(1, 2, 6, 5, 6, 0).ipv6FirstNextHeader(0);
        assertThat(p0.hash(withHopByHop)).isEqualTo(p0.hash(v6(1, 2, 0, 5, 6, 0)))
            .isNotEqualTo(p0.hash(v6(1, 2, 6, 5, 6, 0)));
    }

    @Test
    void shouldTakeTheJhashStepOfPolicy3OnThePacketPathOnly() {
        final MultipathHash p3 = new MultipathHash(4, 3, 0x37, SEED);
        final MultipathLookup flow = v4(0x0A000001, 0xAC100001, 6, 1000, 80).packetPath(false);
        final int flowPath = p3.hash(flow);
        final int outer32 = p3.lastHash32();
        final int packetPath = p3.hash(v4(0x0A000001, 0xAC100001, 6, 1000, 80));
        assertThat(packetPath).isEqualTo(Jhash.jhash2Words(outer32, 0, 0) >>> 1);
        assertThat(flowPath).isEqualTo(outer32 >>> 1);
        // No outer field selected: the outer hash is 0 (no SipHash at all).
        final MultipathHash innerOnly = new MultipathHash(4, 3, 0x40, SEED);
        assertThat(innerOnly.hash(v4(1, 2, 6, 3, 4))).isEqualTo(Jhash.jhash2Words(0, 0, 0) >>> 1);
        assertThat(innerOnly.hash(v4(1, 2, 6, 3, 4).packetPath(false))).isZero();
    }

    @Test
    void shouldMixTheTunnelHashWithJhash2Words() {
        final MultipathHash p0 = new MultipathHash(4, 0, 7, SEED);
        final MultipathLookup l = v4(1, 2, 6, 3, 4).packetPath(false);
        p0.hash(l);
        final int plain = p0.lastHash32();
        l.flowMultipathHash(0xCAFE);
        assertThat(p0.hash(l)).isEqualTo(Jhash.jhash2Words(plain, 0xCAFE, 0) >>> 1);
    }

    @Test
    void shouldSwapAddressesByTheirLittleEndianReading() {
        final MultipathHash h = new MultipathHash(4, 1, 7, SEED);
        // 10.0.0.2 vs 11.0.0.1: network order says 10 < 11, little-endian reading says 0x0200000a > 0x0100000b.
        h.hash(v4(0x0A000002, 0x0B000001, 6, 1, 2));
        final byte[] b = new byte[48];
        h.lastHashedWords(b);
        assertThat(new byte[] {b[36], b[37], b[38], b[39]}).containsExactly(0x0B, 0x00, 0x00, 0x01);
    }

    @Test
    void shouldRejectBadConfiguration() {
        assertThatThrownBy(() -> new MultipathHash(5, 0, 7, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MultipathHash(4, 4, 7, 0)).hasMessageContaining("0..3");
        assertThatThrownBy(() -> new MultipathHash(4, 3, 0, 0)).hasMessageContaining("fields");
        assertThatThrownBy(() -> new MultipathHash(4, 3, 7, 1L << 32)).hasMessageContaining("seed");
    }

    @Test
    void shouldHashAndChooseWithoutAllocating() {
        final EcmpSelector v4 = new EcmpSelector(new MultipathHash(4, 1, 7, SEED),
            new Ipv4MultipathRoute(1, 1, 1, 1, 1, 1, 1, 1));
        final EcmpSelector v6 = new EcmpSelector(new MultipathHash(6, 1, 7, SEED),
            new Ipv6MultipathRoute(1, 1, 1, 1, 1, 1, 1, 1));
        final MultipathLookup l4 = v4(0x0A000001, 0xAC100001, 6, 1000, 80);
        final MultipathLookup l6 = v6(1, 2, 6, 1000, 80, 0);
        final int[] sink = new int[1];
        AllocationMeter.assertNoAllocation("IPv4 hash + choice", () -> {
            l4.key().setPorts(sink[0] & 0xFFFF, 80);
            sink[0] += v4.selectNexthop(l4) + 1;
        });
        AllocationMeter.assertNoAllocation("IPv6 hash + choice", () -> {
            l6.key().setPorts(sink[0] & 0xFFFF, 443);
            sink[0] += v6.selectNexthop(l6) + 1;
        });
        assertThat(sink[0]).isPositive();
    }
}
