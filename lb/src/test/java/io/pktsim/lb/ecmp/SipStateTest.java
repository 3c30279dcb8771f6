package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.hash.SipHash;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The inlinable SipHash steps and the prefix copy equal the whole SipHash of the image, bit for bit. */
class SipStateTest {

    private static long[] prefix(final long k0, final long k1, final long w0) {
        final long[] state = new long[8];
        SipHash.absorb3Words(k0, k1, w0, 0, 0, state, 4);
        return state;
    }

    @Property(tries = 2000)
    void shouldEqualTheWholeSipHash(@ForAll final long k0, @ForAll final long k1,
        @ForAll @IntRange(max = 255) final int proto, @ForAll final int label, @ForAll final long m3,
        @ForAll final long m4, @ForAll final long m5, @ForAll final long m6, @ForAll final long m7,
        @ForAll final long m8) {
        final long w0 = ((long) proto << 16) | ((long) label << 32);
        final long[] state = prefix(k0, k1, w0);
        final SipState sip = new SipState();
        sip.start(w0, state, 4);
        assertThat(sip.hash6(m3, m4, m5)).isEqualTo(SipHash.hash6Words(k0, k1, w0, 0, 0, m3, m4, m5));
        sip.start(w0, state, 4);
        assertThat(sip.hash9(m3, m4, m5, m6, m7, m8))
            .isEqualTo(SipHash.hash9Words(k0, k1, w0, 0, 0, m3, m4, m5, m6, m7, m8));
    }

    @Test
    void shouldMatchTheFirstVectorOfTheKernel() {
        // ecmp-hash-vectors.csv, first row: IPv4 policy 0 (word 0 is 0), seed 0x12345678, hashed bytes
        // 0..31 zero, then 64591931 c0a8a243 00000000: siphash 60d1f3e3155c557c.
        final long key = MultipathHash.keyWord(0x12345678L);
        final SipState sip = new SipState();
        sip.start(0, prefix(key, key, 0), 4);
        assertThat(sip.hash6(0, 0x3119596400000000L, 0x43a2a8c0L)).isEqualTo(0x60d1f3e3155c557cL);
    }

    @Test
    void shouldCopyThePrefixOfEachWordZeroAndOnlyReuseItForTheSameWord() {
        final long k = 0x0BAD_F00D_0BAD_F00DL;
        final long tcp = 6L << 16;
        final long udp = 17L << 16;
        final long[] table = new long[8];
        SipHash.absorb3Words(k, k, tcp, 0, 0, table, 0);
        SipHash.absorb3Words(k, k, udp, 0, 0, table, 4);
        final long tcpHash = SipHash.hash6Words(k, k, tcp, 0, 0, 1, 2, 3);
        final long udpHash = SipHash.hash6Words(k, k, udp, 0, 0, 1, 2, 3);
        final SipState sip = new SipState();
        sip.start(tcp, table, 0);
        assertThat(sip.hash6(1, 2, 3)).isEqualTo(tcpHash);
        sip.start(udp, table, 4);
        assertThat(sip.hash6(1, 2, 3)).isEqualTo(udpHash);
        // The same word 0 again: the copy is reused, whatever the table slot holds now (a refilled cache slot).
        SipHash.absorb3Words(k, k, tcp, 0, 0, table, 4);
        sip.start(udp, table, 4);
        assertThat(sip.hash6(1, 2, 3)).isEqualTo(udpHash);
        sip.start(tcp, table, 4);
        assertThat(sip.hash6(1, 2, 3)).isEqualTo(tcpHash);
    }

    @Property(tries = 3000)
    void portsWordShouldPutTheSmallerPortAsTheCpuReadsItFirst(@ForAll @IntRange(max = 65535) final int sport,
        @ForAll @IntRange(max = 65535) final int dport) {
        // Reference: __flow_hash_consistentify() swaps when (u16) ports.dst < (u16) ports.src, as the
        // little-endian CPU reads the network-order ports; word 3 holds key id 0, then src, dst.
        final int ps = ((sport & 0xFF) << 8) | (sport >>> 8);
        final int pd = ((dport & 0xFF) << 8) | (dport >>> 8);
        final int lo = pd < ps ? pd : ps;
        final int hi = pd < ps ? ps : pd;
        assertThat(MultipathHash.portsWord(sport, dport)).isEqualTo(((long) hi << 48) | ((long) lo << 32));
    }
}
