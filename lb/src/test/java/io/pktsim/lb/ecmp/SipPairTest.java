package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.hash.SipHash;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Each lane of the interleaved pair equals the whole SipHash of its image, bit for bit. */
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
        // Lane b hashes different words 3 and 8 (and the other lane's 4..7) so that a swapped word shows.
        pair.laneA(state, 0, m3, m4, m5, m6, m7, m8);
        pair.laneB(state, 4, n3, m7, m6, m5, m4, n8);
        final long six = pair.hash6();
        assertThat((int) six).isEqualTo((int) SipHash.hash6Words(k0, k1, wa, 0, 0, m3, m4, m5));
        assertThat((int) (six >>> 32)).isEqualTo((int) SipHash.hash6Words(k0, k1, wb, 0, 0, n3, m7, m6));
        pair.laneA(state, 0, m3, m4, m5, m6, m7, m8);
        pair.laneB(state, 4, n3, m7, m6, m5, m4, n8);
        final long nine = pair.hash9();
        assertThat((int) nine).isEqualTo((int) SipHash.hash9Words(k0, k1, wa, 0, 0, m3, m4, m5, m6, m7, m8));
        assertThat((int) (nine >>> 32))
            .isEqualTo((int) SipHash.hash9Words(k0, k1, wb, 0, 0, n3, m7, m6, m5, m4, n8));
    }

    @Test
    void shouldMatchTheFirstVectorOfTheKernelInBothLanes() {
        // ecmp-hash-vectors.csv, first row: IPv4 policy 0 (word 0 is 0), seed 0x12345678, hashed bytes
        // 0..31 zero, then 64591931 c0a8a243 00000000: siphash 60d1f3e3155c557c (low 32 bits 155c557c).
        final long key = MultipathHash.keyWord(0x12345678L);
        final long[] state = new long[4];
        SipHash.absorb3Words(key, key, 0, 0, 0, state, 0);
        final SipPair pair = new SipPair();
        pair.laneA(state, 0, 0, 0x3119596400000000L, 0x43a2a8c0L, 0, 0, 0);
        pair.laneB(state, 0, 0, 0x3119596400000000L, 0x43a2a8c0L, 0, 0, 0);
        assertThat(pair.hash6()).isEqualTo(0x155c557c_155c557cL);
    }
}
