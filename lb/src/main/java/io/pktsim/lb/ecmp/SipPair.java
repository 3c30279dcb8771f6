package io.pktsim.lb.ecmp;

/**
 * Two SipHash-2-4 computations of 72-byte (IPv6-address) multipath flow-key images at once ({@code siphash()},
 * lib/siphash.c, Linux 6.18, as {@code __flow_hash_from_keys()} in net/core/flow_dissector.c calls it), each
 * continued from the precomputed state after its image's constant words 0..2, for the batch path of
 * {@link MultipathHash#hashAll}.
 *
 * <p>One SipHash is a chain of dependent additions, rotations and XORs (about 4 cycles per SipRound) that keeps
 * part of a core's ALUs idle. Two independent flows have two independent chains: here lane {@code a} and lane
 * {@code b} alternate round by round ({@link #roundA}, {@link #roundB}) and the out-of-order core runs them side
 * by side. Each lane lives in its own fields (never two instances of one lane class, whose fields the JIT would
 * have to assume aliased): once the steps are inlined the state is kept in registers (JDK 17's C2 still spills
 * some of the eight state words and keeps some field stores, so a pair costs more instructions than two single
 * hashes: the overlap pays off for the 18 SipRounds of IPv6, not for the 12 of IPv4).
 *
 * <p>Each lane equals {@link io.pktsim.core.hash.SipHash#hash9Words} of its words, bit for bit
 * ({@code SipPairTest}). Not thread-safe: one instance per {@link MultipathHash}. Nothing here allocates.
 */
final class SipPair {

    private long a0;
    private long a1;
    private long a2;
    private long a3;
    private long b0;
    private long b1;
    private long b2;
    private long b3;
    private long ma3;
    private long ma4;
    private long ma5;
    private long ma6;
    private long ma7;
    private long ma8;
    private long mb3;
    private long mb4;
    private long mb5;
    private long mb6;
    private long mb7;
    private long mb8;

    /**
     * Sets lane {@code a}: the state after the image's words 0..2 and the image's words 3..8.
     *
     * @param state the precomputed states
     * @param offset index of v0 of the lane's state after words 0..2
     * @param m3 image word 3
     * @param m4 image word 4
     * @param m5 image word 5
     * @param m6 image word 6
     * @param m7 image word 7
     * @param m8 image word 8
     */
    void laneA(final long[] state, final int offset, final long m3, final long m4, final long m5, final long m6,
        final long m7, final long m8) {
        a0 = state[offset];
        a1 = state[offset + 1];
        a2 = state[offset + 2];
        a3 = state[offset + 3];
        ma3 = m3;
        ma4 = m4;
        ma5 = m5;
        ma6 = m6;
        ma7 = m7;
        ma8 = m8;
    }

    /**
     * Sets lane {@code b}, as {@link #laneA} does lane {@code a}.
     *
     * @param state the precomputed states
     * @param offset index of v0 of the lane's state after words 0..2
     * @param m3 image word 3
     * @param m4 image word 4
     * @param m5 image word 5
     * @param m6 image word 6
     * @param m7 image word 7
     * @param m8 image word 8
     */
    void laneB(final long[] state, final int offset, final long m3, final long m4, final long m5, final long m6,
        final long m7, final long m8) {
        b0 = state[offset];
        b1 = state[offset + 1];
        b2 = state[offset + 2];
        b3 = state[offset + 3];
        mb3 = m3;
        mb4 = m4;
        mb5 = m5;
        mb6 = m6;
        mb7 = m7;
        mb8 = m8;
    }

    /**
     * Finishes both lanes as 72-byte images (IPv6 addresses: words 3..8).
     *
     * @return the low 32 bits of lane {@code a}'s 64-bit SipHash in bits 0..31, lane {@code b}'s in bits 32..63
     */
    long hash9() {
        absorb(ma3, mb3);
        absorb(ma4, mb4);
        absorb(ma5, mb5);
        absorb(ma6, mb6);
        absorb(ma7, mb7);
        absorb(ma8, mb8);
        return finish(72L << 56);
    }

    /** One message word per lane: {@code v3 ^= m}, two SipRounds, {@code v0 ^= m}. */
    private void absorb(final long ma, final long mb) {
        a3 ^= ma;
        b3 ^= mb;
        roundA();
        roundB();
        roundA();
        roundB();
        a0 ^= ma;
        b0 ^= mb;
    }

    /** The length block {@code len} (the images are whole words), {@code v2 ^= 0xff}, four SipRounds, the XOR. */
    private long finish(final long len) {
        absorb(len, len);
        a2 ^= 0xffL;
        b2 ^= 0xffL;
        roundA();
        roundB();
        roundA();
        roundB();
        roundA();
        roundB();
        roundA();
        roundB();
        final long a = a0 ^ a1 ^ a2 ^ a3;
        final long b = b0 ^ b1 ^ b2 ^ b3;
        return (a & 0xFFFF_FFFFL) | (b << 32);
    }

    /** One SipRound of lane {@code a}. */
    private void roundA() {
        long v0 = a0;
        long v1 = a1;
        long v2 = a2;
        long v3 = a3;
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
        a0 = v0;
        a1 = v1;
        a2 = v2;
        a3 = v3;
    }

    /**
     * One SipRound of lane {@code b}: {@link #roundA()} on lane b's fields, written out rather than shared through
     * an array or a lane index, so that each lane's state stays in plain fields (as SipState writes its rounds).
     */
    private void roundB() {
        long v0 = b0;
        long v1 = b1;
        long v2 = b2;
        long v3 = b3;
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
        b0 = v0;
        b1 = v1;
        b2 = v2;
        b3 = v3;
    }
}
