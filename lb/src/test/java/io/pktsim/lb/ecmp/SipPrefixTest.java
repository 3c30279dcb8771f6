package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.pktsim.core.hash.SipHash;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SipPrefixTest {

    @Property(tries = 2000)
    void shouldFinishExactlyAsTheWholeSipHash(@ForAll final long k0, @ForAll final long k1, @ForAll final long m0,
        @ForAll final long m1, @ForAll final long m2, @ForAll final long m3, @ForAll final long m4,
        @ForAll final long m5, @ForAll final long m6, @ForAll final long m7, @ForAll final long m8) {
        final SipPrefix prefix = new SipPrefix().set(k0, k1, m0, m1, m2);
        assertThat(prefix.finish6(m3, m4, m5)).isEqualTo(SipHash.hash6Words(k0, k1, m0, m1, m2, m3, m4, m5));
        assertThat(prefix.finish9(m3, m4, m5, m6, m7, m8))
            .isEqualTo(SipHash.hash9Words(k0, k1, m0, m1, m2, m3, m4, m5, m6, m7, m8));
    }

    @Test
    void shouldMatchTheByteFormOnAFlowKeyImage() {
        // The first IPv4 vector of ecmp-hash-vectors.csv (policy 0, seed 0x12345678): its 48 hashed bytes.
        final long key = MultipathHash.keyWord(0x12345678L);
        final String hex = "00000000000000000000000000000000000000000000000000000000000000000000000064591931c0a8a24300000000";
        final byte[] image = new byte[48];
        for (int i = 0; i < 48; i++) {
            image[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        assertThat(SipHash.hash(key, key, image, 0, 48)).isEqualTo(0x60d1f3e3155c557cL);
        assertThat(new SipPrefix().set(key, key, 0, 0, 0).finish6(0, 0x3119596400000000L, 0x43a2a8c0L))
            .isEqualTo(0x60d1f3e3155c557cL);
    }

    @Test
    void shouldRefillInPlace() {
        final SipPrefix prefix = new SipPrefix().set(1, 2, 3, 4, 5);
        final long before = prefix.finish6(6, 7, 8);
        assertThat(prefix.set(9, 9, 9, 9, 9)).isSameAs(prefix);
        assertThat(prefix.finish6(6, 7, 8)).isNotEqualTo(before)
            .isEqualTo(SipHash.hash6Words(9, 9, 9, 9, 9, 6, 7, 8));
    }
}
