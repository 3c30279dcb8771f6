package io.pktsim.core.hash;

/**
 * The Toeplitz hash of RSS (Microsoft "RSS hashing", also {@code toeplitz_hash()} in
 * tools/testing/selftests/net/toeplitz.c, Linux 6.18): for every set bit of the input, from the most
 * significant bit of the first byte on, the 32 key bits starting at that bit position are XORed into the
 * result.
 *
 * <p>A table per input byte position (256 entries of 32 bits, 36 positions: the longest RSS input, IPv6 with
 * ports) makes a hash one lookup and XOR per input byte. Nothing allocates after construction.
 */
public final class Toeplitz {

    /** Key length, in bytes ({@code NETDEV_RSS_KEY_LEN} is 52; 40 is the length NICs and Microsoft use). */
    public static final int KEY_BYTES = 40;
    /** The longest input, in bytes: two IPv6 addresses and two ports. */
    public static final int MAX_INPUT_BYTES = 36;

    /** Microsoft's RSS verification key (6d5a56da...01fa), used by most NIC datasheets and DPDK. */
    private static final byte[] MICROSOFT_KEY = {
        (byte) 0x6d, (byte) 0x5a, (byte) 0x56, (byte) 0xda, (byte) 0x25, (byte) 0x5b, (byte) 0x0e, (byte) 0xc2,
        (byte) 0x41, (byte) 0x67, (byte) 0x25, (byte) 0x3d, (byte) 0x43, (byte) 0xa3, (byte) 0x8f, (byte) 0xb0,
        (byte) 0xd0, (byte) 0xca, (byte) 0x2b, (byte) 0xcb, (byte) 0xae, (byte) 0x7b, (byte) 0x30, (byte) 0xb4,
        (byte) 0x77, (byte) 0xcb, (byte) 0x2d, (byte) 0xa3, (byte) 0x80, (byte) 0x30, (byte) 0xf2, (byte) 0x0c,
        (byte) 0x6a, (byte) 0x42, (byte) 0xb7, (byte) 0x3b, (byte) 0xbe, (byte) 0xac, (byte) 0x01, (byte) 0xfa,
    };

    private final byte[] key;
    private final int[] table;

    /**
     * Creates a hash with a key.
     *
     * @param key the key, {@link #KEY_BYTES} bytes (copied)
     */
    public Toeplitz(final byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("Toeplitz: the key must be " + KEY_BYTES + " bytes, not "
                + (key == null ? "null" : key.length + " bytes"));
        }
        this.key = key.clone();
        this.table = new int[MAX_INPUT_BYTES * 256];
        for (int pos = 0; pos < MAX_INPUT_BYTES; pos++) {
            for (int bit = 0; bit < 8; bit++) {
                final int window = keyWindow(pos * 8 + bit);
                final int mask = 0x80 >>> bit;
                for (int b = 0; b < 256; b++) {
                    if ((b & mask) != 0) {
                        table[pos * 256 + b] ^= window;
                    }
                }
            }
        }
    }

    /** @return a hash with Microsoft's verification key */
    public static Toeplitz microsoftKey() {
        return new Toeplitz(MICROSOFT_KEY);
    }

    /** @return a copy of Microsoft's verification key */
    public static byte[] microsoftKeyBytes() {
        return MICROSOFT_KEY.clone();
    }

    /** @return a copy of the key */
    public byte[] key() {
        return key.clone();
    }

    /** The 32 key bits starting at bit position {@code bitPos} (0 = MSB of key byte 0). */
    private int keyWindow(final int bitPos) {
        int w = 0;
        for (int i = 0; i < 32; i++) {
            final int p = bitPos + i;
            final int bit = p / 8 < KEY_BYTES ? (key[p / 8] >>> (7 - (p & 7))) & 1 : 0;
            w = (w << 1) | bit;
        }
        return w;
    }

    /**
     * Hashes bytes.
     *
     * @param input the input bytes
     * @param length how many, at most {@link #MAX_INPUT_BYTES}
     * @return the 32-bit hash
     */
    public int hash(final byte[] input, final int length) {
        final int[] t = table;
        int h = 0;
        for (int i = 0; i < length; i++) {
            h ^= t[(i << 8) | (input[i] & 0xFF)];
        }
        return h;
    }

    /**
     * Hashes an IPv4 2-tuple or 4-tuple without an input array.
     *
     * @param src source address (192.168.1.1 is 0xC0A80101)
     * @param dst destination address
     * @param srcPort source port, used only with {@code withPorts}
     * @param dstPort destination port, used only with {@code withPorts}
     * @param withPorts hash the ports too (12 bytes instead of 8)
     * @return the hash
     */
    public int hashIpv4(final int src, final int dst, final int srcPort, final int dstPort,
        final boolean withPorts) {
        int h = word(0, src) ^ word(4, dst);
        if (withPorts) {
            h ^= word(8, (srcPort << 16) | (dstPort & 0xFFFF));
        }
        return h;
    }

    /**
     * Hashes an IPv6 2-tuple or 4-tuple without an input array.
     *
     * @param srcHi high 64 bits of the source address
     * @param srcLo low 64 bits of the source address
     * @param dstHi high 64 bits of the destination address
     * @param dstLo low 64 bits of the destination address
     * @param srcPort source port
     * @param dstPort destination port
     * @param withPorts hash the ports too (36 bytes instead of 32)
     * @return the hash
     */
    public int hashIpv6(final long srcHi, final long srcLo, final long dstHi, final long dstLo,
        final int srcPort, final int dstPort, final boolean withPorts) {
        int h = word(0, (int) (srcHi >>> 32)) ^ word(4, (int) srcHi) ^ word(8, (int) (srcLo >>> 32))
            ^ word(12, (int) srcLo) ^ word(16, (int) (dstHi >>> 32)) ^ word(20, (int) dstHi)
            ^ word(24, (int) (dstLo >>> 32)) ^ word(28, (int) dstLo);
        if (withPorts) {
            h ^= word(32, (srcPort << 16) | (dstPort & 0xFFFF));
        }
        return h;
    }

    /** The hash contribution of 4 big-endian input bytes at byte position {@code pos}. */
    private int word(final int pos, final int v) {
        final int[] t = table;
        final int base = pos << 8;
        return t[base | (v >>> 24)] ^ t[base + 256 | ((v >>> 16) & 0xFF)] ^ t[base + 512 | ((v >>> 8) & 0xFF)]
            ^ t[base + 768 | (v & 0xFF)];
    }
}
