package io.pktsim.stack.conntrack;

/**
 * The open-addressing hash array shared by {@link ConntrackTable} and the flowtable: each slot is a {@code long}
 * holding an entry's 32-bit hash in the high half and its non-negative reference in the low half, or a negative
 * low half when empty; linear probing from {@code hash & mask}; deletion by backward shift (no tombstones), so
 * a probe for an absent key stops at the first empty slot. A lookup compares the stored hash before it reads
 * the entry, which is what makes these tables faster than Agrona's maps (see {@link ConntrackTable}).
 * The kernel uses hash chains ({@code hlist_nulls}, net/netfilter/nf_conntrack_core.c, Linux 6.18); only the
 * cost differs, not which entry is found. Static and allocation-free.
 */
public final class TaggedSlots {

    /** The value of an empty slot. */
    public static final long EMPTY = -1L;

    private TaggedSlots() {
    }

    /**
     * Puts a reference in the first empty slot of its probe sequence. The array must have an empty slot.
     *
     * @param slots the slot array, a power of two long
     * @param mask its length minus one
     * @param hash the entry's hash
     * @param ref the entry's reference, at least 0
     */
    public static void insert(final long[] slots, final int mask, final int hash, final int ref) {
        int i = hash & mask;
        while ((int) slots[i] >= 0) {
            i = (i + 1) & mask;
        }
        slots[i] = (long) hash << 32 | ref;
    }

    /**
     * Removes a reference, shifting later entries of the same probe run back so that no probe breaks.
     *
     * @param slots the slot array
     * @param mask its length minus one
     * @param hash the hash the entry was inserted with
     * @param ref the entry's reference
     * @return false if the reference is not in the array (a broken invariant for the caller to report)
     */
    public static boolean remove(final long[] slots, final int mask, final int hash, final int ref) {
        final long want = (long) hash << 32 | ref;
        int i = hash & mask;
        while (slots[i] != want) {
            if ((int) slots[i] < 0) {
                return false;
            }
            i = (i + 1) & mask;
        }
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            final long v = slots[j];
            if ((int) v < 0) {
                break;
            }
            final int home = (int) (v >>> 32) & mask;
            final boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
            if (!stays) {
                slots[i] = v;
                i = j;
            }
        }
        slots[i] = EMPTY;
        return true;
    }
}
