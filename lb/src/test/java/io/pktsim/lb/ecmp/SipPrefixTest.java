package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.hash.SipHash;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SipPrefixTest {

    /** The image words built the plain way (unsigned min/max, compare-and-swap, shifts), as a reference. */
    private static long refPortsWord(final int sport, final int dport) {
        final int ps = Integer.reverseBytes(sport << 16) & 0xFFFF;
        final int pd = Integer.reverseBytes(dport << 16) & 0xFFFF;
        return pd < ps ? ((long) ps << 48) | ((long) pd << 32) : ((long) pd << 48) | ((long) ps << 32);
    }

    private static long[] refIpv6Words(final long srcHi, final long srcLo, final long dstHi, final long dstLo) {
        final int c = Long.compareUnsigned(dstHi, srcHi) != 0 ? Long.compareUnsigned(dstHi, srcHi)
            : Long.compareUnsigned(dstLo, srcLo);
        final boolean swap = c < 0;
        final long s0 = Long.reverseBytes(swap ? dstHi : srcHi);
        final long s1 = Long.reverseBytes(swap ? dstLo : srcLo);
        final long d0 = Long.reverseBytes(swap ? srcHi : dstHi);
        final long d1 = Long.reverseBytes(swap ? srcLo : dstLo);
        return new long[] {s0 << 32, (s0 >>> 32) | (s1 << 32), (s1 >>> 32) | (d0 << 32), (d0 >>> 32) | (d1 << 32),
            d1 >>> 32};
    }

    @Property(tries = 2000)
    void ipv4ShouldEqualTheWholeSipHashOfThePlainImage(@ForAll final int seed, @ForAll @IntRange(max = 255) final int proto,
        @ForAll final int src, @ForAll final int dst, @ForAll @IntRange(max = 65535) final int sport,
        @ForAll @IntRange(max = 65535) final int dport) {
        final long k = MultipathHash.keyWord(Integer.toUnsignedLong(seed));
        final long w0 = (long) proto << 16;
        final long a = Integer.toUnsignedLong(Integer.reverseBytes(src));
        final long b = Integer.toUnsignedLong(Integer.reverseBytes(dst));
        final long w3 = refPortsWord(sport, dport);
        final long w4 = Math.min(a, b) << 32;
        final long w5 = Math.max(a, b);
        assertThat(SipPrefix.portsWord(sport, dport)).isEqualTo(w3);
        assertThat(SipPrefix.ipv4Word(4, src, dst)).isEqualTo(w4);
        assertThat(SipPrefix.ipv4Word(5, src, dst)).isEqualTo(w5);
        assertThat(new SipState().ipv4(new SipPrefix().set(k, k, w0, 0, 0), src, dst, sport, dport))
            .isEqualTo(SipHash.hash6Words(k, k, w0, 0, 0, w3, w4, w5));
    }

    @Property(tries = 2000)
    void ipv6ShouldEqualTheWholeSipHashOfThePlainImage(@ForAll final long k0, @ForAll final long k1,
        @ForAll final long w0, @ForAll final long srcHi, @ForAll final long srcLo, @ForAll final long dstHi,
        @ForAll final long dstLo, @ForAll @IntRange(max = 65535) final int sport,
        @ForAll @IntRange(max = 65535) final int dport) {
        final long[] w = refIpv6Words(srcHi, srcLo, dstHi, dstLo);
        final long w3 = refPortsWord(sport, dport);
        assertThat(new SipState().ipv6(new SipPrefix().set(k0, k1, w0, 0, 0), srcHi, srcLo, dstHi, dstLo, sport, dport))
            .isEqualTo(SipHash.hash9Words(k0, k1, w0, 0, 0, w3, w[0], w[1], w[2], w[3], w[4]));
    }

    @Property(tries = 500)
    void ipv6ShouldSwapEqualHighHalvesByTheLowHalves(@ForAll final long hi, @ForAll final long srcLo,
        @ForAll final long dstLo) {
        final long[] w = refIpv6Words(hi, srcLo, hi, dstLo);
        final long k = 0x1234_5678_1234_5678L;
        assertThat(new SipState().ipv6(new SipPrefix().set(k, k, 6 << 16, 0, 0), hi, srcLo, hi, dstLo, 1, 2))
            .isEqualTo(SipHash.hash9Words(k, k, 6 << 16, 0, 0, refPortsWord(1, 2), w[0], w[1], w[2], w[3], w[4]));
    }

    @Test
    void shouldMatchTheFirstVectorOfTheKernel() {
        // ecmp-hash-vectors.csv, first row: IPv4 policy 0 (protocol and ports 0), seed 0x12345678,
        // 192.168.162.67 -> 100.89.25.49, siphash 60d1f3e3155c557c.
        final long key = MultipathHash.keyWord(0x12345678L);
        assertThat(new SipState().ipv4(new SipPrefix().set(key, key, 0, 0, 0), 0xC0A8A243, 0x64591931, 0, 0))
            .isEqualTo(0x60d1f3e3155c557cL);
    }

    @Test
    void shouldRefillInPlace() {
        final SipPrefix prefix = new SipPrefix().set(1, 2, 3, 4, 5);
        final long before = new SipState().ipv4(prefix, 6, 7, 8, 9);
        assertThat(prefix.set(9, 9, 9, 0, 0)).isSameAs(prefix);
        assertThat(new SipState().ipv4(prefix, 6, 7, 8, 9)).isNotEqualTo(before).isEqualTo(SipHash.hash6Words(9, 9, 9, 0, 0,
            SipPrefix.portsWord(8, 9), SipPrefix.ipv4Word(4, 6, 7), SipPrefix.ipv4Word(5, 6, 7)));
    }

    @Test
    void shouldCopyTheRightPrefixWhenItChangesOrIsRefilled() {
        final long k = 0x0BAD_F00D_0BAD_F00DL;
        final SipPrefix tcp = new SipPrefix().set(k, k, 6 << 16, 0, 0);
        final SipPrefix udp = new SipPrefix().set(k, k, 17 << 16, 0, 0);
        final SipState state = new SipState();
        final long tcpHash = new SipState().ipv4(tcp, 1, 2, 3, 4);
        final long udpHash = new SipState().ipv4(udp, 1, 2, 3, 4);
        assertThat(tcpHash).isNotEqualTo(udpHash);
        assertThat(state.ipv4(tcp, 1, 2, 3, 4)).isEqualTo(tcpHash);
        assertThat(state.ipv4(udp, 1, 2, 3, 4)).isEqualTo(udpHash);
        assertThat(state.ipv4(tcp, 1, 2, 3, 4)).isEqualTo(tcpHash);
        // Refilled in place (a label cache slot): after invalidate() the new contents are used.
        tcp.set(k, k, 17 << 16, 0, 0);
        state.invalidate();
        assertThat(state.ipv4(tcp, 1, 2, 3, 4)).isEqualTo(udpHash);
        assertThat(state.ipv6(udp, 1, 2, 3, 4, 5, 6)).isEqualTo(new SipState().ipv6(udp, 1, 2, 3, 4, 5, 6));
    }
}
