package io.pktsim.core.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class JhashTest {

    @Test
    void shouldMatchTheLookup3ReferenceValues() {
        // lookup3.c driver5(): hashlittle("", 0, 0) = deadbeef, ("", 0, deadbeef) = bd5b7dde,
        // ("Four score and seven years ago", 30, 0) = 17770551, (..., 1) = cd628161.
        assertThat(Jhash.jhash(new byte[0], 0, 0, 0)).isEqualTo(0xdeadbeef);
        assertThat(Jhash.jhash(new byte[0], 0, 0, 0xdeadbeef)).isEqualTo(0xbd5b7dde);
        final byte[] s = "Four score and seven years ago".getBytes(StandardCharsets.US_ASCII);
        assertThat(Jhash.jhash(s, 0, s.length, 0)).isEqualTo(0x17770551);
        assertThat(Jhash.jhash(s, 0, s.length, 1)).isEqualTo(0xcd628161);
    }

    @Test
    void shouldAgreeBetweenTheFixedWordFormsAndJhash2() {
        final SplittableRandom rnd = new SplittableRandom(7);
        for (int t = 0; t < 1000; t++) {
            final int a = rnd.nextInt();
            final int b = rnd.nextInt();
            final int c = rnd.nextInt();
            final int iv = rnd.nextInt();
            assertThat(Jhash.jhash1Word(a, iv)).isEqualTo(Jhash.jhash2(new int[] {a}, 1, iv));
            assertThat(Jhash.jhash2Words(a, b, iv)).isEqualTo(Jhash.jhash2(new int[] {a, b}, 2, iv));
            assertThat(Jhash.jhash3Words(a, b, c, iv)).isEqualTo(Jhash.jhash2(new int[] {a, b, c}, 3, iv));
        }
    }

    @Test
    void shouldAgreeBetweenByteAndWordFormsOnWholeWords() {
        final SplittableRandom rnd = new SplittableRandom(9);
        for (int n = 0; n < 12; n++) {
            final int[] w = new int[n];
            final byte[] bytes = new byte[4 * n];
            for (int i = 0; i < n; i++) {
                w[i] = rnd.nextInt();
                for (int j = 0; j < 4; j++) {
                    bytes[4 * i + j] = (byte) (w[i] >>> (8 * j));
                }
            }
            // hashlittle and hashword agree on whole words when the byte length is 4 * word count.
            assertThat(Jhash.jhash(bytes, 0, 4 * n, 5)).isEqualTo(Jhash.jhash2(w, n, 5));
        }
    }
}
