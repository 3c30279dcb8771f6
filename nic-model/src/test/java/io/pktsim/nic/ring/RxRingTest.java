package io.pktsim.nic.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.test.AllocationMeter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RxRingTest {

    private final List<int[]> seen = new ArrayList<>();
    private final RxFrameHandler record = (p, t, s) -> seen.add(new int[] {p, (int) t, s});

    @Test
    void shouldPinTheMtkRingSizes() {
        assertThat(RxRing.MTK_DMA_SIZE_LEGACY).isEqualTo(256);
        assertThat(RxRing.MTK_DMA_SIZE).isEqualTo(512);
        assertThat(TxRing.MTK_QDMA_RING_SIZE).isEqualTo(2048);
    }

    @Test
    void shouldDropWhenRingFull() {
        final RxRing ring = new RxRing("r", 8);
        int dropped = 0;
        for (int i = 0; i < 20; i++) {
            if (!ring.offer(i, i)) {
                dropped++;
            }
        }
        assertThat(dropped).isEqualTo(12);
        assertThat(ring.refused()).isEqualTo(12);
        assertThat(ring.accepted()).isEqualTo(8);
        assertThat(ring.occupancy()).isEqualTo(8);
        assertThat(ring.lastSlot()).isEqualTo(7);
        assertThat(ring.poll(3, record)).isEqualTo(3);
        assertThat(ring.offer(100, 100)).isTrue();
        assertThat(ring.lastSlot()).as("wraps to slot 0").isZero();
        assertThat(ring.poll(64, record)).isEqualTo(6);
        assertThat(seen).extracting(a -> a[0]).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 100);
        assertThat(seen).extracting(a -> a[2]).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 0);
        assertThat(ring.highWaterSlots()).isEqualTo(8);
    }

    @Test
    void shouldRespectThePollBudget() {
        final RxRing ring = new RxRing("r", 256);
        for (int i = 0; i < 200; i++) {
            ring.offer(i, 10L * i);
        }
        assertThat(ring.poll(64, record)).isEqualTo(64);
        assertThat(ring.occupancy()).isEqualTo(136);
        assertThat(ring.poll(0, record)).isZero();
        assertThat(ring.poll(-1, record)).isZero();
        assertThat(ring.poll(1, record)).isEqualTo(1);
        assertThat(seen.get(64)).containsExactly(64, 640, 64);
        assertThat(ring.poll(1000, record)).isEqualTo(135);
        assertThat(ring.poll(64, record)).isZero();
        assertThat(ring.hasFrames()).isFalse();
        assertThat(ring.delivered()).isEqualTo(200);
    }

    @Test
    void shouldNotAllocateOnOfferAndPoll() {
        final RxRing ring = new RxRing("r", 256);
        final long[] sum = {0};
        final RxFrameHandler count = (p, t, s) -> sum[0] += p;
        AllocationMeter.assertNoAllocation("RxRing offer + budgeted poll", () -> {
            for (int i = 0; i < 100; i++) {
                ring.offer(i, i);
            }
            ring.poll(64, count);
            ring.poll(64, count);
        });
        assertThat(sum[0]).isPositive();
    }

    @Test
    void shouldRejectASizeThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new RxRing("bad", 300)).hasMessageContaining("300");
    }

    @Property(tries = 300)
    void framesInEqualDeliveredPlusDroppedPlusWaiting(
        @ForAll @Size(max = 200) final List<@IntRange(min = -70, max = 40) Integer> ops,
        @ForAll @IntRange(min = 1, max = 6) final int sizeLog2) {
        final RxRing ring = new RxRing("p", 1 << sizeLog2);
        long in = 0;
        long dropped = 0;
        long delivered = 0;
        int next = 0;
        final int[] expect = {0};
        final boolean[] inOrder = {true};
        final RxFrameHandler check = (p, t, s) -> {
            if (p != expect[0]++) {
                inOrder[0] = false;
            }
        };
        for (final int op : ops) {
            if (op >= 0) {
                for (int i = 0; i < op; i++) {
                    in++;
                    if (!ring.offer(next, in)) {
                        dropped++;
                    } else {
                        next++;
                    }
                }
            } else {
                final int n = ring.poll(-op, check);
                assertThat(n).isLessThanOrEqualTo(-op);
                delivered += n;
            }
            assertThat(ring.occupancy()).isBetween(0, ring.sizeSlots());
        }
        assertThat(in).isEqualTo(delivered + dropped + ring.occupancy());
        assertThat(ring.refused()).isEqualTo(dropped);
        assertThat(inOrder[0]).isTrue();
    }
}
