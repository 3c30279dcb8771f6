package io.pktsim.core.header;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;

/**
 * The Internet checksum (RFC 1071): 32-bit partial sums that fold to 16 bits, as the kernel's
 * {@code csum_partial()}, {@code csum_fold()}, {@code csum_tcpudp_nofold()} and {@code csum_ipv6_magic()}
 * (lib/checksum.c, net/ipv6/ip6_checksum.c, Linux 6.18). Partial sums are {@code long}s so that no carry is
 * lost before folding. Allocation-free.
 */
public final class InetChecksum {

    private static final ByteOrder NET = ByteOrder.BIG_ENDIAN;

    private InetChecksum() {
    }

    /**
     * Adds bytes to a partial sum, 16-bit big-endian words, an odd last byte padded with zero.
     *
     * @param buffer the bytes
     * @param offset first byte
     * @param length how many bytes
     * @param initial the sum so far
     * @return the new partial sum (unfolded)
     */
    public static long sum(final DirectBuffer buffer, final int offset, final int length, final long initial) {
        long s = initial;
        int i = 0;
        final int words4 = length & ~3;
        for (; i < words4; i += 4) {
            s += buffer.getInt(offset + i, NET) & 0xFFFFFFFFL;
        }
        if (length - i >= 2) {
            s += (buffer.getShort(offset + i, NET) & 0xFFFFL) << 16;
            i += 2;
            if (i < length) {
                s += (buffer.getByte(offset + i) & 0xFFL) << 8;
            }
        } else if (i < length) {
            s += (buffer.getByte(offset + i) & 0xFFL) << 24;
        }
        return s;
    }

    /**
     * Folds a partial sum to 16 bits (no complement): {@code csum_fold()} without the final NOT.
     *
     * @param sum the partial sum
     * @return the folded 16-bit ones' complement sum
     */
    public static int fold(final long sum) {
        long s = (sum & 0xFFFFFFFFL) + (sum >>> 32);
        s = (s & 0xFFFFFFFFL) + (s >>> 32);
        s = (s & 0xFFFF) + ((s >>> 16) & 0xFFFF);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    /**
     * The checksum field value of a partial sum: {@code ~fold(sum)}.
     *
     * @param sum the partial sum
     * @return the 16-bit value to store
     */
    public static int finish(final long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * The IPv4 pseudo-header sum for TCP/UDP.
     *
     * @param src source address
     * @param dst destination address
     * @param protocol L4 protocol
     * @param l4Length the L4 length (header plus payload) in bytes
     * @return the partial sum
     */
    public static long pseudoIpv4(final int src, final int dst, final int protocol, final int l4Length) {
        return (src & 0xFFFFFFFFL) + (dst & 0xFFFFFFFFL) + protocol + (l4Length & 0xFFFFFFFFL);
    }

    /**
     * The IPv6 pseudo-header sum (RFC 8200 section 8.1).
     *
     * @param buffer the bytes holding the two addresses
     * @param srcOffset offset of the 16-byte source address
     * @param dstOffset offset of the 16-byte destination address
     * @param protocol upper-layer protocol
     * @param l4Length upper-layer length in bytes
     * @return the partial sum
     */
    public static long pseudoIpv6(final DirectBuffer buffer, final int srcOffset, final int dstOffset,
        final int protocol, final int l4Length) {
        long s = sum(buffer, srcOffset, 16, 0);
        s = sum(buffer, dstOffset, 16, s);
        return s + (l4Length & 0xFFFFFFFFL) + protocol;
    }

    /**
     * Updates a checksum field for one 16-bit word that changed (RFC 1624 eqn. 3), as
     * {@code csum_replace2()} does.
     *
     * @param check the old checksum field
     * @param oldWord the old 16-bit word
     * @param newWord the new 16-bit word
     * @return the new checksum field
     */
    public static int replace16(final int check, final int oldWord, final int newWord) {
        final long s = (~check & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }

    /**
     * Updates a checksum field for one 32-bit word that changed ({@code csum_replace4()}).
     *
     * @param check the old checksum field
     * @param oldWord the old 32-bit word
     * @param newWord the new 32-bit word
     * @return the new checksum field
     */
    public static int replace32(final int check, final int oldWord, final int newWord) {
        return ~fold((~check & 0xFFFF) + delta32(oldWord, newWord)) & 0xFFFF;
    }

    /**
     * The RFC 1624 eqn. 3 terms of one changed 32-bit word, {@code ~m + m'} as two 16-bit halves each, unfolded:
     * several changed words are summed with {@code ~HC} and folded once ({@code ~fold(~HC + delta32(...) + ...)}),
     * which is {@link #replace32} applied word by word.
     *
     * @param oldWord the old 32-bit word
     * @param newWord the new 32-bit word
     * @return the partial sum, at most 4 x 0xFFFF
     */
    public static long delta32(final int oldWord, final int newWord) {
        return (long) (~oldWord >>> 16 & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord >>> 16 & 0xFFFF)
            + (newWord & 0xFFFF);
    }
}
