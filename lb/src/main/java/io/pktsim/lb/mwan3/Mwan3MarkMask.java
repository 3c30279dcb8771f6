package io.pktsim.lb.mwan3;

/**
 * mwan3's firewall mark mask ({@code globals.mmx_mask}, default 0x3F00) and what it allows, as
 * {@code mwan3_init()} and {@code mwan3_id2mask()} (net/mwan3/files/lib/mwan3/common.sh) compute them:
 * with {@code b} bits in the mask, interface ids run 1..{@code 2^b - 1 - 3} (the top three values are the
 * default, blackhole and unreachable marks), and an id's mark spreads the id's bits over the mask's bits.
 */
public final class Mwan3MarkMask {

    /** The default mask. */
    public static final int DEFAULT_MASK = 0x3F00;

    private final int mask;
    private final int bits;

    /**
     * Creates the mask.
     *
     * @param mask the {@code mmx_mask} value; needs at least 3 bits
     * @throws IllegalArgumentException if it has fewer than 3 bits
     */
    public Mwan3MarkMask(final int mask) {
        this.mask = mask;
        this.bits = Integer.bitCount(mask);
        if (bits < 3) {
            throw new IllegalArgumentException("mmx_mask 0x" + Integer.toHexString(mask) + " has " + bits
                + " bits; mwan3 needs at least 3");
        }
    }

    /** @return the mask */
    public int mask() {
        return mask;
    }

    /** @return the largest interface id, {@code 2^bits - 1 - 3} (60 for 0x3F00) */
    public int interfaceMax() {
        return (int) Math.min(Integer.MAX_VALUE, (1L << bits) - 1 - 3);
    }

    /**
     * {@code mwan3_id2mask}: the mark of an interface id, its bits placed on the mask's set bits from the
     * lowest up.
     *
     * @param id the interface id
     * @return the mark (within the mask)
     */
    public int markOf(final int id) {
        int mark = 0;
        int bit = 0;
        for (int i = 0; i < 32; i++) {
            if ((mask & (1 << i)) != 0) {
                if ((id & (1 << bit)) != 0) {
                    mark |= 1 << i;
                }
                bit++;
            }
        }
        return mark;
    }
}
