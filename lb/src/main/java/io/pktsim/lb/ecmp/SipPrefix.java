package io.pktsim.lb.ecmp;

/**
 * The SipHash-2-4 state of a flow-key image after its constant leading words, and the rest of the hash
 * from there: {@code siphash()} (lib/siphash.c, Linux 6.18) as {@code __flow_hash_from_keys()}
 * (net/core/flow_dissector.c) calls it from {@code FLOW_KEYS_HASH_OFFSET}, specialised to the two images of
 * the multipath hash (48 bytes for IPv4 addresses, 72 for IPv6).
 *
 * <p>The image's words 0..2 ({@code basic}, {@code tags}, {@code vlan}, {@code cvlan}) are the same for every
 * flow of one protocol (and flow-label word) under one seed, so their three compressions are a pure
 * function of {@code (key, w0, w1, w2)} and are computed once by {@link #set}. So is the half of the first
 * SipRound of word 3 that does not read the message ({@code v0 += v1; v1 = rotl(v1, 13) ^ v0;
 * v0 = rotl(v0, 32)}), and, within the same round, {@code rotl(v1, 17)} of that {@code v1} and the sum it
 * adds to {@code v2} (addition is associative modulo 2^64). What is stored is therefore the exact
 * intermediate state of the unrolled SipHash, not an approximation: {@link SipState} continues from it and
 * equals {@link io.pktsim.core.hash.SipHash#hash6Words} and {@code hash9Words} of all the image's words, bit
 * for bit ({@code SipPrefixTest}). The static helpers build the image's remaining words from the flow's
 * fields ({@code __flow_hash_consistentify()} included).
 *
 * <p>Mutable so that a cache can refill an entry without allocating. Nothing here allocates.
 */
final class SipPrefix {

    private static final long C0 = 0x736f6d6570736575L;
    private static final long C1 = 0x646f72616e646f6dL;
    private static final long C2 = 0x6c7967656e657261L;
    private static final long C3 = 0x7465646279746573L;
    private static final long LOW_HALF = 0x0000_0000_FFFF_FFFFL;
    private static final long HIGH_HALF = 0xFFFF_FFFF_0000_0000L;

    /** {@code rotl(v0 + v1, 32)}: v0 after the message-free half of word 3's first SipRound. */
    long p0;
    /** {@code rotl(q1, 17)} where {@code q1 = rotl(v1, 13) ^ (v0 + v1)}: v1 before its last XOR in that round. */
    long r1;
    /** v2 after words 0..2. */
    long a2;
    /** {@code a2 + q1}: the two constant addends of v2 in that round, summed. */
    long s2;
    /** v3 after words 0..2. */
    long a3;

    /**
     * Sets the state to the one after the words {@code m0, m1, m2} under the key {@code (k0, k1)}.
     *
     * @param k0 first key word
     * @param k1 second key word
     * @param m0 message word 0 (little-endian)
     * @param m1 message word 1
     * @param m2 message word 2
     * @return this
     */
    SipPrefix set(final long k0, final long k1, final long m0, final long m1, final long m2) {
        long v0 = C0 ^ k0;
        long v1 = C1 ^ k1;
        long v2 = C2 ^ k0;
        long v3 = C3 ^ k1;
        v3 ^= m0;
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
        v0 ^= m0;
        v3 ^= m1;
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
        v0 ^= m1;
        v3 ^= m2;
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
        v0 ^= m2;
        final long sum = v0 + v1;
        final long q1 = Long.rotateLeft(v1, 13) ^ sum;
        p0 = Long.rotateLeft(sum, 32);
        r1 = Long.rotateLeft(q1, 17);
        a2 = v2;
        s2 = v2 + q1;
        a3 = v3;
        return this;
    }

    /**
     * The image's word 3 after {@code __flow_hash_consistentify()}: key id 0 (bytes 32..35), then the two
     * ports (bytes 36..39) in network order, the one the little-endian CPU reads as the smaller first.
     *
     * @param sport source port 0..65535
     * @param dport destination port 0..65535
     * @return word 3
     */
    static long portsWord(final int sport, final int dport) {
        // Upper half: dport byte-swapped (pd); lower half: sport byte-swapped (ps).
        final int swapped = Integer.reverseBytes((sport << 16) | (dport & 0xFFFF));
        // ps <= pd: already (pd << 16 | ps); else the halves trade places: (pd - ps) >> 31 is -1 exactly
        // when pd < ps, and the XOR of ps ^ pd into both halves swaps them (branch-free).
        final int ps = swapped & 0xFFFF;
        final int pd = swapped >>> 16;
        final int ports = swapped ^ (((ps ^ pd) & ((pd - ps) >> 31)) * 0x10001);
        return (long) ports << 32;
    }

    /**
     * A word of the IPv4-address image after the address swap of {@code __flow_hash_consistentify()}: the
     * CPU (little-endian) reads the network-order address bytes, and the compare is on that value, unsigned;
     * branch-free, because the swap is a coin toss per flow.
     *
     * @param word 4 (ICMP field 0, then the smaller address) or 5 (the larger address, then 4 zero bytes)
     * @param src source address (big-endian int)
     * @param dst destination address
     * @return the word
     */
    static long ipv4Word(final int word, final int src, final int dst) {
        final long a = Integer.toUnsignedLong(Integer.reverseBytes(src));
        final long b = Integer.toUnsignedLong(Integer.reverseBytes(dst));
        // d >> 63 is -1 exactly when a < b; then min = b + (a - b) and max = a - (a - b).
        final long d = a - b;
        final long below = d & (d >> 63);
        return word == 4 ? (b + below) << 32 : a - below;
    }

    /**
     * The mask of {@code __flow_hash_consistentify()} for IPv6 addresses: -1 if {@code memcmp(dst, src) < 0}
     * (the addresses swap), else 0. A byte-wise compare of the big-endian halves is the borrow out of the
     * 128-bit unsigned subtraction dst - src (Hacker's Delight 2-16); branch-free, because the two directions
     * of forwarded traffic interleave and the swap is a coin toss per packet.
     *
     * @param srcHi high half of the source address
     * @param srcLo low half
     * @param dstHi high half of the destination address
     * @param dstLo low half
     * @return -1 or 0
     */
    static long ipv6Swap(final long srcHi, final long srcLo, final long dstHi, final long dstLo) {
        final long borrowLo = ((~dstLo & srcLo) | (~(dstLo ^ srcLo) & (dstLo - srcLo))) >>> 63;
        return ((~dstHi & srcHi) | (~(dstHi ^ srcHi) & (dstHi - srcHi - borrowLo))) >> 63;
    }

    /**
     * A word of the IPv6-address image. The addresses start at image byte 36, half a word in: word 4 holds
     * the first 4 address bytes in its upper half, words 5..7 straddle two address halves, word 8 holds the
     * last 4 bytes. With each big-endian half rotated by 32 bits ({@code ra..rd}: source high, source low,
     * destination high, destination low, after the swap), every word is two 32-bit pieces, byte-reversed once.
     *
     * @param word 4..8
     * @param ra {@code rotl(srcHi, 32)}
     * @param rb {@code rotl(srcLo, 32)}
     * @param rc {@code rotl(dstHi, 32)}
     * @param rd {@code rotl(dstLo, 32)}
     * @return the word
     */
    static long ipv6Word(final int word, final long ra, final long rb, final long rc, final long rd) {
        switch (word) {
            case 4:
                return Long.reverseBytes(ra & LOW_HALF);
            case 5:
                return Long.reverseBytes(rb ^ ((ra ^ rb) & HIGH_HALF));
            case 6:
                return Long.reverseBytes(rc ^ ((rb ^ rc) & HIGH_HALF));
            case 7:
                return Long.reverseBytes(rd ^ ((rc ^ rd) & HIGH_HALF));
            default:
                return Long.reverseBytes(rd & HIGH_HALF);
        }
    }
}
