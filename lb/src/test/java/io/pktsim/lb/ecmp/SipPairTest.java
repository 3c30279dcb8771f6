package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HexFormat;

import io.pktsim.core.hash.SipHash;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Each lane of the interleaved pair equals the whole SipHash of its 72-byte image, bit for bit. */
class SipPairTest {

    @Property(tries = 1000)
    void eachLaneShouldEqualTheWholeSipHash(@ForAll final long k0, @ForAll final long k1,
        @ForAll @IntRange(max = 255) final int protoA, @ForAll final int labelA,
        @ForAll @IntRange(max = 255) final int protoB, @ForAll final int labelB, @ForAll final long m3,
        @ForAll final long m4, @ForAll final long m5, @ForAll final long m6, @ForAll final long m7,
        @ForAll final long m8, @ForAll final long n3, @ForAll final long n8) {
        final long wa = ((long) protoA << 16) | ((long) labelA << 32);
        final long wb = ((long) protoB << 16) | ((long) labelB << 32);
        final long[] state = new long[8];
        SipHash.absorb3Words(k0, k1, wa, 0, 0, state, 0);
        SipHash.absorb3Words(k0, k1, wb, 0, 0, state, 4);
        final SipPair pair = new SipPair();
        // Lane b hashes different words 3 and 8 and the other lane's 4..7 reversed, so that a swapped word shows.
        pair.laneA(state, 0, m3, m4, m5, m6, m7, m8);
        pair.laneB(state, 4, n3, m7, m6, m5, m4, n8);
        final long both = pair.hash9();
        assertThat((int) both).isEqualTo((int) SipHash.hash9Words(k0, k1, wa, 0, 0, m3, m4, m5, m6, m7, m8));
        assertThat((int) (both >>> 32))
            .isEqualTo((int) SipHash.hash9Words(k0, k1, wb, 0, 0, n3, m7, m6, m5, m4, n8));
    }

    @Test
    void shouldMatchAnIpv6VectorOfTheKernelInBothLanes() throws IOException {
        // ecmp-hash-vectors.csv, line 50 (the first IPv6 row): policy 0, seed 0x12345678, UDP; the hashed bytes and
        // the siphash 44a159ebbcc5d2bc as the kernel computed them.
        final String[] row = EcmpHashVectorsTest.rows().filter(r -> r.line() == 50).findFirst().orElseThrow().f();
        assertThat(row[11]).isEqualTo("44a159ebbcc5d2bc");
        final long key = Long.parseUnsignedLong(row[9], 16);
        final long[] w = words(row[10]);
        final long[] state = new long[4];
        SipHash.absorb3Words(key, key, w[0], w[1], w[2], state, 0);
        final SipPair pair = new SipPair();
        pair.laneA(state, 0, w[3], w[4], w[5], w[6], w[7], w[8]);
        pair.laneB(state, 0, w[3], w[4], w[5], w[6], w[7], w[8]);
        final long low = Long.parseUnsignedLong(row[11], 16) & 0xFFFF_FFFFL;
        assertThat(pair.hash9()).isEqualTo(low | (low << 32));
    }

    /** The little-endian words of a hashed-bytes hex string. */
    private static long[] words(final String hex) {
        final byte[] b = HexFormat.of().parseHex(hex);
        final long[] w = new long[b.length / 8];
        for (int i = 0; i < b.length; i++) {
            w[i / 8] |= (b[i] & 0xFFL) << (8 * (i % 8));
        }
        return w;
    }
}
