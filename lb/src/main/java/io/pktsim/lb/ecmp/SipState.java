package io.pktsim.lb.ecmp;

/**
 * The SipHash-2-4 of one multipath flow-key image ({@code siphash()}, lib/siphash.c, Linux 6.18, as
 * {@code __flow_hash_from_keys()} in net/core/flow_dissector.c calls it), continued from the precomputed
 * state after the image's constant words 0..2, and written for the per-packet path's latency:
 *
 * <ul>
 *   <li>The state after words 0..2 ({@code basic}, {@code tags}, {@code vlan}, {@code cvlan}) is a pure
 *       function of the key and word 0 ({@link MultipathHash} precomputes it per protocol). {@link #start}
 *       keeps a copy of the last one used, tagged with its word 0, in this object's own fields: the first
 *       SipRound then reads state whose address does not depend on the packet, instead of waiting for the
 *       protocol, then the table entry, to load (the tag check is a predicted branch, off the critical
 *       path). Exact: a copy is only used for the very word 0 it was computed for. The copy is taken half a
 *       SipRound on ({@code v0} and {@code v1}'s part of word 3's first SipRound, which does not read the word):
 *       four ALU operations per packet fewer, which count on a core whose integer units are the limit.</li>
 *   <li>The rounds are split into steps short enough for the JIT to inline into the caller (one unrolled
 *       48- or 72-byte SipHash is not inlined, and the call costs the packet path its registers); between
 *       the inlined steps the state stays in registers, only the last values are stored here.</li>
 *   <li>The last SipRound is folded into the output: in {@code v0 ^ v3} the new {@code v0} cancels.</li>
 * </ul>
 *
 * <p>Equal to {@link io.pktsim.core.hash.SipHash#hash6Words} / {@code hash9Words} of all words, bit for bit
 * ({@code SipStateTest}). Not thread-safe: one instance per {@link MultipathHash}. Nothing here allocates.
 */
final class SipState {

    /** Word 0 of the copied prefix state; -1 for none (a real word 0 has {@code n_proto} 0 in its low bits). */
    private long prefixWord = -1;
    private long c0;
    private long c1;
    private long c2;
    private long c3;
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    /**
     * Selects the state after the words {@code w0, 0, 0}: {@code state[offset..offset + 3]} (v0..v3), which
     * must be that state; copied unless it is the one copied last. The copy is taken half a SipRound further:
     * the first SipRound of word 3 updates {@code v0} and {@code v1} without the word ({@code v0 += v1},
     * {@code v1 = rotl(v1, 13) ^ v0}, {@code v0 = rotl(v0, 32)}), so those four operations are done once per
     * copy instead of once per packet.
     *
     * @param w0 image word 0 ({@code basic} and {@code tags})
     * @param state the precomputed states
     * @param offset index of v0 of the state after {@code w0, 0, 0}
     */
    void start(final long w0, final long[] state, final int offset) {
        if (w0 != prefixWord) {
            final long v0 = state[offset] + state[offset + 1];
            c1 = Long.rotateLeft(state[offset + 1], 13) ^ v0;
            c0 = Long.rotateLeft(v0, 32);
            c2 = state[offset + 2];
            c3 = state[offset + 3];
            prefixWord = w0;
        }
    }

    /**
     * Finishes a 48-byte image (IPv4 addresses) from the {@link #start} state.
     *
     * @param m3 image word 3
     * @param m4 image word 4
     * @param m5 image word 5
     * @return the 64-bit SipHash
     */
    long hash6(final long m3, final long m4, final long m5) {
        absorbFirst(m3);
        absorb(m4);
        absorb(m5);
        lastBlock(48L << 56);
        finalizationRounds();
        return output();
    }

    /**
     * Finishes a 72-byte image (IPv6 addresses) from the {@link #start} state.
     *
     * @param m3 image word 3
     * @param m4 image word 4
     * @param m5 image word 5
     * @param m6 image word 6
     * @param m7 image word 7
     * @param m8 image word 8
     * @return the 64-bit SipHash
     */
    long hash9(final long m3, final long m4, final long m5, final long m6, final long m7, final long m8) {
        absorbFirst(m3);
        absorb(m4);
        absorb(m5);
        absorb(m6);
        absorb(m7);
        absorb(m8);
        lastBlock(72L << 56);
        finalizationRounds();
        return output();
    }

    /**
     * Word 3, from the copied prefix state (whose {@code v0}, {@code v1} are already half a SipRound on, see
     * {@link #start}): {@code v3 ^= m}, the rest of two SipRounds, {@code v0 ^= m}.
     */
    private void absorbFirst(final long m) {
        long v0 = c0;
        long v1 = c1;
        long v2 = c2;
        long v3 = c3 ^ m;
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
        v0 ^= m;
        this.v0 = v0;
        this.v1 = v1;
        this.v2 = v2;
        this.v3 = v3;
    }

    /** One message word: {@code v3 ^= m}, two SipRounds, {@code v0 ^= m}. */
    private void absorb(final long m) {
        long v0 = this.v0;
        long v1 = this.v1;
        long v2 = this.v2;
        long v3 = this.v3;
        v3 ^= m;
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
        v0 ^= m;
        this.v0 = v0;
        this.v1 = v1;
        this.v2 = v2;
        this.v3 = v3;
    }

    /** The length block {@code b} (the images are whole words: no tail bytes), then {@code v2 ^= 0xff}. */
    private void lastBlock(final long b) {
        long v0 = this.v0;
        long v1 = this.v1;
        long v2 = this.v2;
        long v3 = this.v3;
        v3 ^= b;
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
        v0 ^= b;
        v2 ^= 0xffL;
        this.v0 = v0;
        this.v1 = v1;
        this.v2 = v2;
        this.v3 = v3;
    }

    /** Finalization rounds 1 and 2. */
    private void finalizationRounds() {
        long v0 = this.v0;
        long v1 = this.v1;
        long v2 = this.v2;
        long v3 = this.v3;
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
        this.v0 = v0;
        this.v1 = v1;
        this.v2 = v2;
        this.v3 = v3;
    }

    /** Finalization rounds 3 and 4 and {@code v0 ^ v1 ^ v2 ^ v3}. */
    private long output() {
        long v0 = this.v0;
        long v1 = this.v1;
        long v2 = this.v2;
        long v3 = this.v3;
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
        // The last SipRound folded into the output: in v0 ^ v3 the new v0 cancels (v3 = rotl(v3, 21) ^ v0),
        // so v0's last addition and rotation are never computed.
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v2 += v1;
        return (Long.rotateLeft(v3, 21) ^ v2) ^ (Long.rotateLeft(v1, 17) ^ Long.rotateLeft(v2, 32));
    }
}
