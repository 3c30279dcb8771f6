package io.pktsim.lb.ecmp;

/**
 * A running SipHash-2-4 ({@code siphash()}, lib/siphash.c, Linux 6.18) over a flow-key image, continued from
 * a {@link SipPrefix}: the state {@code v0..v3} lives in this object between the steps so that every step is
 * a short method the JIT inlines into the per-packet path (one unrolled 72-byte SipHash is too long to be
 * inlined, and a call costs the caller its registers). Within the inlined path the fields are forwarded in
 * registers; only the last values are stored. The steps are the unrolled SipRounds, exact
 * ({@code SipPrefixTest}).
 *
 * <p>Not thread-safe: one instance per {@link MultipathHash}. Nothing here allocates.
 */
final class SipState {

    private long v0;
    private long v1;
    private long v2;
    private long v3;
    /**
     * The prefix whose state is copied below (null: none). The hash reads the copy, whose address does not
     * depend on the packet: the first SipRound need not wait for the protocol, the prefix table and the
     * prefix object to load (three dependent loads); the check that the copy is the right one resolves off
     * the critical path. A different prefix (another protocol) is copied in first.
     */
    private SipPrefix source;
    private long p0;
    private long r1;
    private long a2;
    private long s2;
    private long a3;

    /**
     * SipHash of a 48-byte IPv4-address image whose words 0..2 {@code prefix} holds: builds words 3..5 from
     * the flow's fields (ports and addresses ordered as {@code __flow_hash_consistentify()} does) and
     * finishes.
     *
     * @param prefix the state after words 0..2
     * @param src source address (big-endian int)
     * @param dst destination address
     * @param sport source port 0..65535 (0 if the hash has none)
     * @param dport destination port 0..65535
     * @return the 64-bit SipHash
     */
    long ipv4(final SipPrefix prefix, final int src, final int dst, final int sport, final int dport) {
        use(prefix);
        first(SipPrefix.portsWord(sport, dport));
        absorb(SipPrefix.ipv4Word(4, src, dst));
        absorb(SipPrefix.ipv4Word(5, src, dst));
        lastBlock(48L << 56);
        finalizationRounds();
        return output();
    }

    /**
     * SipHash of a 72-byte IPv6-address image whose words 0..2 {@code prefix} holds: builds words 3..8 from
     * the flow's fields and finishes.
     *
     * @param prefix the state after words 0..2
     * @param srcHi high half of the source address
     * @param srcLo low half
     * @param dstHi high half of the destination address
     * @param dstLo low half
     * @param sport source port 0..65535 (0 if the hash has none)
     * @param dport destination port 0..65535
     * @return the 64-bit SipHash
     */
    long ipv6(final SipPrefix prefix, final long srcHi, final long srcLo, final long dstHi, final long dstLo,
        final int sport, final int dport) {
        final long swap = SipPrefix.ipv6Swap(srcHi, srcLo, dstHi, dstLo);
        final long hi = (srcHi ^ dstHi) & swap;
        final long lo = (srcLo ^ dstLo) & swap;
        final long ra = Long.rotateLeft(srcHi ^ hi, 32);
        final long rb = Long.rotateLeft(srcLo ^ lo, 32);
        final long rc = Long.rotateLeft(dstHi ^ hi, 32);
        final long rd = Long.rotateLeft(dstLo ^ lo, 32);
        use(prefix);
        first(SipPrefix.portsWord(sport, dport));
        absorb(SipPrefix.ipv6Word(4, ra, rb, rc, rd));
        absorb(SipPrefix.ipv6Word(5, ra, rb, rc, rd));
        absorb(SipPrefix.ipv6Word(6, ra, rb, rc, rd));
        absorb(SipPrefix.ipv6Word(7, ra, rb, rc, rd));
        absorb(SipPrefix.ipv6Word(8, ra, rb, rc, rd));
        lastBlock(72L << 56);
        finalizationRounds();
        return output();
    }

    /**
     * Forgets the copied prefix: to be called when a prefix object that may be the copied one is refilled.
     */
    void invalidate() {
        source = null;
    }

    private void use(final SipPrefix prefix) {
        if (prefix != source) {
            copy(prefix);
        }
    }

    private void copy(final SipPrefix prefix) {
        source = prefix;
        p0 = prefix.p0;
        r1 = prefix.r1;
        a2 = prefix.a2;
        s2 = prefix.s2;
        a3 = prefix.a3;
    }

    /** Word 3 from the prefix: the rest of its first SipRound (the other half is in the prefix), the second. */
    private void first(final long m3) {
        final long m3x = a3 ^ m3;
        long v2 = a2 + m3x;
        long v3 = Long.rotateLeft(m3x, 16) ^ v2;
        long v0 = p0 + v3;
        v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 = s2 + m3x;
        long v1 = r1 ^ v2;
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
        v0 ^= m3;
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

    /** The length block {@code b} (no tail bytes: the images are whole words) and {@code v2 ^= 0xff}. */
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
