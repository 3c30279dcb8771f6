package io.pktsim.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import io.pktsim.core.test.AllocationMeter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    private final List<long[]> log = new ArrayList<>();

    private int recorder(final EventLoop loop) {
        return loop.register((target, arg, now) -> log.add(new long[] {now, target, arg}), "record");
    }

    @Test
    void shouldDispatchInTimeOrder() {
        final EventLoop loop = new EventLoop(4);
        final int k = recorder(loop);
        loop.schedule(300, k, 3, 0);
        loop.schedule(100, k, 1, 0);
        loop.schedule(200, k, 2, 0);
        assertThat(loop.runUntil(1000)).isEqualTo(3);
        assertThat(log).extracting(e -> e[1]).containsExactly(1L, 2L, 3L);
        assertThat(log).extracting(e -> e[0]).containsExactly(100L, 200L, 300L);
        assertThat(loop.nowNs()).isEqualTo(1000);
    }

    @Test
    void shouldRunEqualTimeEventsInSchedulingOrder() {
        final EventLoop loop = new EventLoop(16);
        final int k = recorder(loop);
        for (int i = 0; i < 500; i++) {
            loop.schedule(42, k, i, i * 7L);
        }
        loop.runUntil(42);
        assertThat(log).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(log.get(i)[1]).isEqualTo(i);
            assertThat(log.get(i)[2]).isEqualTo(i * 7L);
        }
    }

    @Test
    void shouldNotDispatchCancelledEvents() {
        final EventLoop loop = new EventLoop();
        final int k = recorder(loop);
        final long a = loop.schedule(10, k, 1, 0);
        final long b = loop.schedule(20, k, 2, 0);
        loop.schedule(30, k, 3, 0);
        assertThat(loop.cancel(b)).isTrue();
        assertThat(loop.cancel(b)).as("second cancel").isFalse();
        assertThat(loop.pending()).isEqualTo(2);
        assertThat(loop.isPending(a)).isTrue();
        assertThat(loop.isPending(b)).isFalse();
        loop.runUntil(100);
        assertThat(log).extracting(e -> e[1]).containsExactly(1L, 3L);
        assertThat(loop.cancel(a)).as("cancel after dispatch").isFalse();
        assertThat(loop.cancel(EventLoop.NO_EVENT)).isFalse();
    }

    @Test
    void shouldNotLetAStaleIdCancelANewerEventInTheSameSlot() {
        final EventLoop loop = new EventLoop(16);
        final int k = recorder(loop);
        final long old = loop.schedule(5, k, 1, 0);
        loop.runUntil(5);
        final long fresh = loop.schedule(6, k, 2, 0);
        assertThat((int) fresh).as("slot reused").isEqualTo((int) old);
        assertThat(loop.cancel(old)).isFalse();
        loop.runUntil(10);
        assertThat(log).extracting(e -> e[1]).containsExactly(1L, 2L);
    }

    @Test
    void shouldStopAtTheEndTimeAndAdvanceTheClock() {
        final EventLoop loop = new EventLoop();
        final int k = recorder(loop);
        loop.schedule(100, k, 1, 0);
        loop.schedule(250, k, 2, 0);
        loop.runUntil(200);
        assertThat(log).hasSize(1);
        assertThat(loop.nowNs()).isEqualTo(200);
        assertThat(loop.nextEventTimeNs()).isEqualTo(250);
        loop.runUntil(250);
        assertThat(log).hasSize(2);
    }

    @Test
    void shouldRespectTheBudget() {
        final EventLoop loop = new EventLoop();
        final int k = recorder(loop);
        for (int i = 0; i < 10; i++) {
            loop.schedule(i, k, i, 0);
        }
        assertThat(loop.run(Long.MAX_VALUE, 4)).isEqualTo(4);
        assertThat(loop.nowNs()).isEqualTo(3);
        assertThat(loop.pending()).isEqualTo(6);
    }

    @Test
    void shouldStopWhenAskedFromAHandler() {
        final EventLoop loop = new EventLoop();
        final int[] seen = new int[1];
        final int k = loop.register((t, a, n) -> {
            seen[0]++;
            if (t == 2) {
                loop.stop();
            }
        }, "stopper");
        for (int i = 1; i <= 5; i++) {
            loop.schedule(i, k, i, 0);
        }
        loop.runUntil(100);
        assertThat(seen[0]).isEqualTo(2);
        assertThat(loop.nowNs()).isEqualTo(2);
    }

    @Test
    void shouldRejectAnEventInThePast() {
        final EventLoop loop = new EventLoop();
        final int k = recorder(loop);
        loop.schedule(100, k, 0, 0);
        loop.runUntil(100);
        assertThatThrownBy(() -> loop.schedule(99, k, 0, 0))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("record").hasMessageContaining("99 ns").hasMessageContaining("100 ns");
    }

    @Test
    void shouldLetHandlersScheduleAtTheCurrentTime() {
        final EventLoop loop = new EventLoop();
        final List<Integer> order = new ArrayList<>();
        final int[] kind = new int[1];
        kind[0] = loop.register((t, a, n) -> {
            order.add(t);
            if (t < 3) {
                loop.schedule(n, kind[0], t + 1, 0);
            }
        }, "chain");
        loop.schedule(7, kind[0], 0, 0);
        loop.schedule(7, kind[0], 10, 0);
        loop.runUntil(7);
        // the chained event was scheduled after event 10, so it runs after it
        assertThat(order).containsExactly(0, 10, 1, 2, 3);
    }

    @Test
    void shouldGrowAndCompactWithoutLosingOrder() {
        final EventLoop loop = new EventLoop(16);
        final int k = recorder(loop);
        final Random r = new Random(1);
        final long[] ids = new long[20_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = loop.schedule(r.nextInt(1_000_000), k, i, 0);
        }
        for (int i = 0; i < ids.length; i += 4) {
            loop.cancel(ids[i + 1]);
            loop.cancel(ids[i + 2]);
            loop.cancel(ids[i + 3]);
        }
        assertThat(loop.pending()).isEqualTo(5_000);
        loop.runUntil(Long.MAX_VALUE - 1);
        assertThat(log).hasSize(5_000);
        for (int i = 1; i < log.size(); i++) {
            assertThat(log.get(i)[0]).isGreaterThanOrEqualTo(log.get(i - 1)[0]);
            assertThat(log.get(i)[1] % 4).isZero();
        }
    }

    @Property(tries = 200)
    void shouldMatchAStableSortOfTheScheduledEvents(
        @ForAll @LongRange(min = 0, max = 1_000_000) final long seed,
        @ForAll @IntRange(min = 1, max = 400) final int count) {
        final Random r = new Random(seed);
        final EventLoop loop = new EventLoop(8);
        final List<long[]> got = new ArrayList<>();
        final int k = loop.register((t, a, n) -> got.add(new long[] {n, t}), "p");
        final List<long[]> expected = new ArrayList<>();
        final long[] ids = new long[count];
        for (int i = 0; i < count; i++) {
            final long t = r.nextInt(50);
            ids[i] = loop.schedule(t, k, i, 0);
            expected.add(new long[] {t, i});
        }
        for (int i = 0; i < count; i++) {
            if (r.nextInt(5) == 0) {
                loop.cancel(ids[i]);
                final int target = i;
                expected.removeIf(e -> e[1] == target);
            }
        }
        expected.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        loop.runUntil(100);
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).containsExactly(expected.get(i));
        }
    }

    @Test
    void shouldNotAllocateWhenSchedulingCancellingAndDispatching() {
        final EventLoop loop = new EventLoop(4096);
        final long[] state = new long[2];
        final int[] kinds = new int[1];
        kinds[0] = loop.register((t, a, n) -> {
            state[0]++;
            loop.schedule(n + 1 + (a & 1023), kinds[0], t, a * 6364136223846793005L + 1442695040888963407L);
            final long id = loop.schedule(n + 5000, kinds[0], -1, a);
            loop.cancel(id);
        }, "hold");
        for (int i = 0; i < 1000; i++) {
            loop.schedule(i, kinds[0], i, i);
        }
        final long before = state[0];
        AllocationMeter.assertNoAllocation("200k hold steps", 2, 1, () -> loop.run(Long.MAX_VALUE, 200_000));
        assertThat(state[0] - before).as("events dispatched").isGreaterThanOrEqualTo(600_000);
    }

    @Test
    void shouldNotAllocateWithSparseEventsInTheRunTheOuterWheelAndTheHeap() {
        // a few events microseconds to a second apart, as in a router: the wheel, the run, the outer wheel,
        // the heap and the jumps over empty blocks all take part
        final EventLoop loop = new EventLoop(64);
        final long[] delays = {300, 3 * EventLoop.BLOCK_NS + 77, 40_000, 3_000_000, 100_000_000, 0};
        final long[] count = new long[1];
        final int[] kinds = new int[1];
        kinds[0] = loop.register((t, a, n) -> {
            count[0]++;
            loop.schedule(n + delays[(int) ((a & Long.MAX_VALUE) % delays.length)], kinds[0], t, a * 31 + 7);
            if ((a & 3) == 0) {
                loop.cancel(loop.schedule(n + delays[(int) ((a >>> 3) % delays.length)], kinds[0], -1, a));
            }
        }, "sparse");
        for (int i = 0; i < 16; i++) {
            loop.schedule(i * 1_000L, kinds[0], i, i);
        }
        loop.run(Long.MAX_VALUE, 10_000);
        final long before = count[0];
        AllocationMeter.assertNoAllocation("100k sparse steps", 2, 1, () -> loop.run(Long.MAX_VALUE, 100_000));
        assertThat(count[0] - before).as("events dispatched").isEqualTo(300_000);
        assertThat(loop.pending()).isEqualTo(16);
    }
}
