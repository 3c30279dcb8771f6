package io.pktsim.core.hash;

/**
 * Bob Jenkins' lookup3 hash as the kernel's {@code jhash} family (include/linux/jhash.h, Linux 6.18):
 * {@code jhash()} over bytes (little-endian word loads, as on x86-64 and mipsel), {@code jhash2()} over
 * 32-bit words, and the fixed-size {@code jhash_1word()}, {@code jhash_2words()}, {@code jhash_3words()}.
 * All values are unsigned 32-bit carried in {@code int}. Nothing here allocates.
 */
public final class Jhash {

    /** {@code JHASH_INITVAL}: an arbitrary initial value. */
    public static final int JHASH_INITVAL = 0xdeadbeef;

    private Jhash() {
    }

    /**
     * {@code jhash(key, length, initval)}: lookup3 {@code hashlittle} over a byte range.
     *
     * @param key the bytes
     * @param offset index of the first byte
     * @param lengthBytes number of bytes
     * @param initval the initial value (seed)
     * @return the 32-bit hash
     */
    public static int jhash(final byte[] key, final int offset, final int lengthBytes, final int initval) {
        int a = JHASH_INITVAL + lengthBytes + initval;
        int b = a;
        int c = a;
        int k = offset;
        int length = lengthBytes;
        while (length > 12) {
            a += word(key, k);
            b += word(key, k + 4);
            c += word(key, k + 8);
            // __jhash_mix(a, b, c)
            a -= c;
            a ^= Integer.rotateLeft(c, 4);
            c += b;
            b -= a;
            b ^= Integer.rotateLeft(a, 6);
            a += c;
            c -= b;
            c ^= Integer.rotateLeft(b, 8);
            b += a;
            a -= c;
            a ^= Integer.rotateLeft(c, 16);
            c += b;
            b -= a;
            b ^= Integer.rotateLeft(a, 19);
            a += c;
            c -= b;
            c ^= Integer.rotateLeft(b, 4);
            b += a;
            length -= 12;
            k += 12;
        }
        if (length == 0) {
            return c;
        }
        // The tail: bytes k[0..length-1] added into a, b, c little-endian (the kernel's fall-through switch).
        for (int i = length - 1; i >= 0; i--) {
            final int v = (key[k + i] & 0xFF) << (8 * (i & 3));
            if (i >= 8) {
                c += v;
            } else if (i >= 4) {
                b += v;
            } else {
                a += v;
            }
        }
        return finalMix(a, b, c);
    }

    /**
     * {@code jhash2(k, length, initval)}: lookup3 {@code hashword} over 32-bit words.
     *
     * @param words the words
     * @param count number of words
     * @param initval the initial value
     * @return the 32-bit hash
     */
    public static int jhash2(final int[] words, final int count, final int initval) {
        int a = JHASH_INITVAL + (count << 2) + initval;
        int b = a;
        int c = a;
        int k = 0;
        int length = count;
        while (length > 3) {
            a += words[k];
            b += words[k + 1];
            c += words[k + 2];
            a -= c;
            a ^= Integer.rotateLeft(c, 4);
            c += b;
            b -= a;
            b ^= Integer.rotateLeft(a, 6);
            a += c;
            c -= b;
            c ^= Integer.rotateLeft(b, 8);
            b += a;
            a -= c;
            a ^= Integer.rotateLeft(c, 16);
            c += b;
            b -= a;
            b ^= Integer.rotateLeft(a, 19);
            a += c;
            c -= b;
            c ^= Integer.rotateLeft(b, 4);
            b += a;
            length -= 3;
            k += 3;
        }
        switch (length) {
            case 3:
                c += words[k + 2];
                b += words[k + 1];
                a += words[k];
                return finalMix(a, b, c);
            case 2:
                b += words[k + 1];
                a += words[k];
                return finalMix(a, b, c);
            case 1:
                a += words[k];
                return finalMix(a, b, c);
            default:
                return c;
        }
    }

    /**
     * {@code jhash_3words(a, b, c, initval)}.
     *
     * @param a first word
     * @param b second word
     * @param c third word
     * @param initval the initial value
     * @return the 32-bit hash
     */
    public static int jhash3Words(final int a, final int b, final int c, final int initval) {
        return nwords(a, b, c, initval + JHASH_INITVAL + (3 << 2));
    }

    /**
     * {@code jhash_2words(a, b, initval)}: the extra mixing step of the multipath hash (policy 3 on the
     * packet path, and {@code flowi4_multipath_hash}).
     *
     * @param a first word
     * @param b second word
     * @param initval the initial value
     * @return the 32-bit hash
     */
    public static int jhash2Words(final int a, final int b, final int initval) {
        return nwords(a, b, 0, initval + JHASH_INITVAL + (2 << 2));
    }

    /**
     * {@code jhash_1word(a, initval)}: e.g. the MT7621 driver's {@code skb->hash} of a PPE entry index.
     *
     * @param a the word
     * @param initval the initial value
     * @return the 32-bit hash
     */
    public static int jhash1Word(final int a, final int initval) {
        return nwords(a, 0, 0, initval + JHASH_INITVAL + (1 << 2));
    }

    private static int nwords(final int a0, final int b0, final int c0, final int initval) {
        return finalMix(a0 + initval, b0 + initval, c0 + initval);
    }

    /** {@code __jhash_final(a, b, c)}, returning c. */
    private static int finalMix(int a, int b, int c) {
        c ^= b;
        c -= Integer.rotateLeft(b, 14);
        a ^= c;
        a -= Integer.rotateLeft(c, 11);
        b ^= a;
        b -= Integer.rotateLeft(a, 25);
        c ^= b;
        c -= Integer.rotateLeft(b, 16);
        a ^= c;
        a -= Integer.rotateLeft(c, 4);
        b ^= a;
        b -= Integer.rotateLeft(a, 14);
        c ^= b;
        c -= Integer.rotateLeft(b, 24);
        return c;
    }

    private static int word(final byte[] key, final int at) {
        return (key[at] & 0xFF) | (key[at + 1] & 0xFF) << 8 | (key[at + 2] & 0xFF) << 16 | (key[at + 3] & 0xFF) << 24;
    }
}
