package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The packed choice table's choice equals the kernel's first-{@code h <= ub} walk, including slices with two bounds
 * and nexthop indices too large for a packed entry.
 */
class UpperBoundsPackedChoicesTest {

    @Test
    void shouldAnswerWithOneCompareAndWalkACrowdedSlice() {
        // Bounds 2^18-1, 2^19-1 (both in slice 0) and 2^31-1: slice 0 is walked, the others answer directly.
        final int[] bounds = {(1 << 18) - 1, (1 << 19) - 1, Integer.MAX_VALUE};
        final int[] index = {0, 2, 5};
        final long[] table = new long[UpperBounds.PACKED_CHOICES_LENGTH];
        UpperBounds.buildPackedChoices(bounds, index, 3, table);
        assertThat(table[0]).isEqualTo(0xFFFF_0000_FFFF_FFFFL);
        assertThat(table[1]).isEqualTo(Integer.MAX_VALUE | 5L << 32 | 5L << 48);
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 3, 0)).isZero();
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 3, (1 << 18) - 1)).isZero();
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 3, 1 << 18)).isEqualTo(2);
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 3, 1 << 19)).isEqualTo(5);
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 3, Integer.MAX_VALUE)).isEqualTo(5);
    }

    @Test
    void shouldSplitASliceAtItsOneBound() {
        // Two equal weights: the bound 2^30-1 lies in slice 127 (its last value).
        final int[] bounds = {(1 << 30) - 1, Integer.MAX_VALUE};
        final int[] index = {3, 7};
        final long[] table = new long[UpperBounds.PACKED_CHOICES_LENGTH];
        UpperBounds.buildPackedChoices(bounds, index, 2, table);
        assertThat(table[127]).isEqualTo((1 << 30) - 1 | 3L << 32 | 7L << 48);
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 2, (1 << 30) - 1)).isEqualTo(3);
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 2, 1 << 30)).isEqualTo(7);
        // The last slice holds only the last bound, 2^31-1: every hash is at or below it.
        assertThat(table[255]).isEqualTo(Integer.MAX_VALUE | 7L << 32 | 7L << 48);
    }

    @Test
    void shouldWalkWhereANexthopIndexDoesNotFitAPackedEntry() {
        // Nexthop indices above 32767 (a route of that many nexthops, most of them excluded) are walked.
        final int[] bounds = {(1 << 30) - 1, Integer.MAX_VALUE};
        final int[] index = {40_000, 32_767};
        final long[] table = new long[UpperBounds.PACKED_CHOICES_LENGTH];
        UpperBounds.buildPackedChoices(bounds, index, 2, table);
        assertThat(table[127]).isEqualTo(0xFFFF_0000_FFFF_FFFFL);
        assertThat(table[128]).isEqualTo(Integer.MAX_VALUE | 32_767L << 32 | 32_767L << 48);
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 2, 0)).isEqualTo(40_000);
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 2, (1 << 30) - 1)).isEqualTo(40_000);
        assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, 2, 1 << 30)).isEqualTo(32_767);
    }

    @Property(tries = 300)
    void packedChoiceTableEqualsTheWalk(@ForAll @Size(min = 1, max = 128) final List<
        @IntRange(min = 1, max = 256) Integer> weightList, @ForAll final long seed) {
        final int count = weightList.size();
        final int[] w = weightList.stream().mapToInt(Integer::intValue).toArray();
        final SplittableRandom rnd = new SplittableRandom(seed);
        final boolean[] usable = new boolean[count];
        for (int i = 0; i < count; i++) {
            usable[i] = rnd.nextInt(4) != 0;
        }
        usable[rnd.nextInt(count)] = true;
        final int[] ub = new int[count];
        UpperBounds.rebalance(w, usable, count, ub);
        final int[] bounds = new int[count];
        final int[] index = new int[count];
        final int n = UpperBounds.pack(ub, count, bounds, index);
        final long[] table = new long[UpperBounds.PACKED_CHOICES_LENGTH];
        UpperBounds.buildPackedChoices(bounds, index, n, table);
        for (int k = 0; k < 2000; k++) {
            final int h = rnd.nextInt() >>> 1;
            assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, n, h)).isEqualTo(walk(ub, h));
        }
        for (int j = 0; j < n; j++) {
            // Exactly on a bound, one below and one above it: the inclusive compare decides.
            for (int d = -1; d <= 1; d++) {
                final long h = (long) bounds[j] + d;
                if (h >= 0 && h <= Integer.MAX_VALUE) {
                    assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, n, (int) h))
                        .isEqualTo(walk(ub, (int) h));
                }
            }
        }
        for (int b = 0; b < UpperBounds.BUCKETS; b++) {
            // Both ends of every slice.
            final int low = b << (31 - UpperBounds.BUCKET_BITS);
            final int high = low + (1 << (31 - UpperBounds.BUCKET_BITS)) - 1;
            assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, n, low)).isEqualTo(walk(ub, low));
            assertThat(UpperBounds.chooseInPackedTable(table, bounds, index, n, high)).isEqualTo(walk(ub, high));
        }
    }

    /** The kernel's walk: the first nexthop in order, skipping excluded ones, with {@code h <= ub}. */
    private static int walk(final int[] ub, final int h) {
        for (int i = 0; i < ub.length; i++) {
            if (ub[i] != UpperBounds.EXCLUDED && h <= ub[i]) {
                return i;
            }
        }
        return -1;
    }
}
