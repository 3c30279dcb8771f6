package io.pktsim.core.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SipHashTest {

    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    private static byte[] ramp(final int n) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void shouldMatchTheReferenceVectorsOfTheSipHashPaper() {
        // Aumasson & Bernstein, SipHash-2-4 with key 00..0f: empty message and message 00..0e.
        assertThat(SipHash.hash(K0, K1, new byte[0], 0, 0)).isEqualTo(0x726fdb47dd0e0e31L);
        assertThat(SipHash.hash(K0, K1, ramp(15), 0, 15)).isEqualTo(0xa129ca6149be45e5L);
        assertThat(SipHash.hash(K0, K1, ramp(8), 0, 8)).isEqualTo(0x93f5f5799a932462L);
    }

    @Test
    void shouldAgreeBetweenTheWordAndByteForms() {
        final SplittableRandom rnd = new SplittableRandom(42);
        for (int t = 0; t < 200; t++) {
            final long k0 = rnd.nextLong();
            final long k1 = rnd.nextLong();
            final long[] w = new long[9];
            final byte[] bytes = new byte[72];
            for (int i = 0; i < 9; i++) {
                w[i] = rnd.nextLong();
                for (int j = 0; j < 8; j++) {
                    bytes[8 * i + j] = (byte) (w[i] >>> (8 * j));
                }
            }
            final long six = SipHash.hash6Words(k0, k1, w[0], w[1], w[2], w[3], w[4], w[5]);
            assertThat(six).isEqualTo(SipHash.hash(k0, k1, bytes, 0, 48)).isEqualTo(SipHash.hashWords(k0, k1, w, 6));
            final long nine = SipHash.hash9Words(k0, k1, w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8]);
            assertThat(nine).isEqualTo(SipHash.hash(k0, k1, bytes, 0, 72)).isEqualTo(SipHash.hashWords(k0, k1, w, 9));
            final long[] state = new long[8];
            SipHash.absorb3Words(k0, k1, w[0], w[1], w[2], state, 4);
            assertThat(SipHash.finishWords(state, 4, w, 3, 3)).isEqualTo(six);
            assertThat(SipHash.finishWords(state, 4, w, 3, 6)).isEqualTo(nine);
        }
    }

    @Test
    void shouldDependOnEveryKeyWord() {
        final byte[] m = "pktsim".getBytes(StandardCharsets.US_ASCII);
        final long base = SipHash.hash(1, 2, m, 0, m.length);
        assertThat(SipHash.hash(1, 3, m, 0, m.length)).isNotEqualTo(base);
        assertThat(SipHash.hash(0, 2, m, 0, m.length)).isNotEqualTo(base);
    }
}
