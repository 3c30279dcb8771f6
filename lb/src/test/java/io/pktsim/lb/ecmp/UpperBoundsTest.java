package io.pktsim.lb.ecmp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The bucket-table choice equals the kernel's first-{@code h <= ub} walk, including slices with two bounds. */
class UpperBoundsTest {

    @Test
    void shouldRecordTheBoundsBelowEachSlice() {
        final int[] bounds = new int[2];
        final int[] index = new int[2];
        final int n = pack(new int[] {1, 1}, new boolean[] {true, true}, bounds, index);
        assertThat(bounds).containsExactly(0x3FFF_FFFF, 0x7FFF_FFFF);
        final int[] table = new int[UpperBounds.BUCKETS];
        UpperBounds.buildBuckets(bounds, n, table);
        assertThat(table[0]).isZero();
        assertThat(table[127]).isZero();
        assertThat(table[128]).isEqualTo(1);
        assertThat(table[255]).isEqualTo(1);
        assertThat(UpperBounds.choose(table, bounds, index, 0x3FFF_FFFF)).isZero();
        assertThat(UpperBounds.choose(table, bounds, index, 0x4000_0000)).isEqualTo(1);
    }

    @Test
    void shouldWalkASliceHoldingTwoBounds() {
        // T = 8192: ub0 = 2^18 - 1 and ub1 = 2^19 - 1 both lie in slice 0 (0 .. 2^23 - 1).
        final int[] bounds = new int[3];
        final int[] index = new int[3];
        final int n = pack(new int[] {1, 1, 8190}, new boolean[] {true, true, true}, bounds, index);
        final int[] table = new int[UpperBounds.BUCKETS];
        UpperBounds.buildBuckets(bounds, n, table);
        assertThat(table[0]).isEqualTo(~0);
        assertThat(table[1]).isEqualTo(2);
        assertThat(UpperBounds.choose(table, bounds, index, 5)).isZero();
        assertThat(UpperBounds.choose(table, bounds, index, (1 << 18) - 1)).isZero();
        assertThat(UpperBounds.choose(table, bounds, index, 1 << 18)).isEqualTo(1);
        assertThat(UpperBounds.choose(table, bounds, index, (1 << 19) - 1)).isEqualTo(1);
        assertThat(UpperBounds.choose(table, bounds, index, 1 << 19)).isEqualTo(2);
        assertThat(UpperBounds.choose(table, bounds, index, Integer.MAX_VALUE)).isEqualTo(2);
    }

    @Property(tries = 300)
    void bucketChoiceEqualsTheWalk(@ForAll @Size(min = 1, max = 128) final List<
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
        final int[] table = new int[UpperBounds.BUCKETS];
        UpperBounds.buildBuckets(bounds, n, table);
        for (int k = 0; k < 2000; k++) {
            final int h = rnd.nextInt() >>> 1;
            assertThat(UpperBounds.choose(table, bounds, index, h)).isEqualTo(walk(ub, h));
        }
        for (int j = 0; j < n; j++) {
            // Exactly on a bound and one above it: the inclusive compare decides.
            assertThat(UpperBounds.choose(table, bounds, index, bounds[j])).isEqualTo(walk(ub, bounds[j]));
            if (bounds[j] < Integer.MAX_VALUE) {
                assertThat(UpperBounds.choose(table, bounds, index, bounds[j] + 1)).isEqualTo(walk(ub, bounds[j] + 1));
            }
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

    private static int pack(final int[] weights, final boolean[] usable, final int[] bounds, final int[] index) {
        final int[] ub = new int[weights.length];
        UpperBounds.rebalance(weights, usable, weights.length, ub);
        return UpperBounds.pack(ub, weights.length, bounds, index);
    }
}
