package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The choice-table choice equals the kernel's first-{@code h <= ub} walk, including slices with two bounds. */
class UpperBoundsChoiceTableTest {

    @Test
    void shouldAnswerWithOneCompareAndWalkACrowdedSlice() {
        // Bounds 2^18-1, 2^19-1 (both in slice 0) and 2^31-1: slice 0 is walked, the others answer directly.
        final int[] bounds = {(1 << 18) - 1, (1 << 19) - 1, Integer.MAX_VALUE};
        final int[] index = {0, 2, 5};
        final int[] table = new int[UpperBounds.CHOICE_TABLE_LENGTH];
        UpperBounds.buildChoiceTable(bounds, index, 3, table);
        assertThat(table[0]).isEqualTo(-1);
        assertThat(table[2]).isEqualTo(~0);
        assertThat(table[3]).isEqualTo(Integer.MAX_VALUE);
        assertThat(table[4]).isEqualTo(5);
        assertThat(UpperBounds.chooseInTable(table, bounds, index, 0)).isZero();
        assertThat(UpperBounds.chooseInTable(table, bounds, index, (1 << 18) - 1)).isZero();
        assertThat(UpperBounds.chooseInTable(table, bounds, index, 1 << 18)).isEqualTo(2);
        assertThat(UpperBounds.chooseInTable(table, bounds, index, 1 << 19)).isEqualTo(5);
        assertThat(UpperBounds.chooseInTable(table, bounds, index, Integer.MAX_VALUE)).isEqualTo(5);
    }

    @Test
    void shouldSplitASliceAtItsOneBound() {
        // Two equal weights: the bound 2^30-1 lies in slice 127 (its last value).
        final int[] bounds = {(1 << 30) - 1, Integer.MAX_VALUE};
        final int[] index = {3, 7};
        final int[] table = new int[UpperBounds.CHOICE_TABLE_LENGTH];
        UpperBounds.buildChoiceTable(bounds, index, 2, table);
        assertThat(table[3 * 127]).isEqualTo((1 << 30) - 1);
        assertThat(table[3 * 127 + 1]).isEqualTo(3);
        assertThat(table[3 * 127 + 2]).isEqualTo(7);
        assertThat(UpperBounds.chooseInTable(table, bounds, index, (1 << 30) - 1)).isEqualTo(3);
        assertThat(UpperBounds.chooseInTable(table, bounds, index, 1 << 30)).isEqualTo(7);
        // The last slice holds only the last bound, 2^31-1: every hash is at or below it.
        assertThat(table[3 * 255]).isEqualTo(Integer.MAX_VALUE);
        assertThat(table[3 * 255 + 2]).isEqualTo(7);
    }

    @Property(tries = 300)
    void choiceTableEqualsTheWalk(@ForAll @Size(min = 1, max = 128) final List<
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
        final int[] table = new int[UpperBounds.CHOICE_TABLE_LENGTH];
        UpperBounds.buildChoiceTable(bounds, index, n, table);
        for (int k = 0; k < 2000; k++) {
            final int h = rnd.nextInt() >>> 1;
            assertThat(UpperBounds.chooseInTable(table, bounds, index, h)).isEqualTo(walk(ub, h));
        }
        for (int j = 0; j < n; j++) {
            // Exactly on a bound, one below and one above it: the inclusive compare decides.
            for (int d = -1; d <= 1; d++) {
                final long h = (long) bounds[j] + d;
                if (h >= 0 && h <= Integer.MAX_VALUE) {
                    assertThat(UpperBounds.chooseInTable(table, bounds, index, (int) h)).isEqualTo(walk(ub, (int) h));
                }
            }
        }
        for (int b = 0; b < UpperBounds.BUCKETS; b++) {
            // Both ends of every slice.
            final int low = b << (31 - UpperBounds.BUCKET_BITS);
            final int high = low + (1 << (31 - UpperBounds.BUCKET_BITS)) - 1;
            assertThat(UpperBounds.chooseInTable(table, bounds, index, low)).isEqualTo(walk(ub, low));
            assertThat(UpperBounds.chooseInTable(table, bounds, index, high)).isEqualTo(walk(ub, high));
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
