package io.pktsim.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import io.pktsim.core.random.RandomStream;
import org.junit.jupiter.api.Test;

/**
 * The queue (timing wheel, run, outer wheel, heap) against a reference priority queue ordered by
 * (time, sequence): events near and far, equal times across the wheels' and the heap's boundaries, handlers
 * that schedule and cancel, runs that stop for time, budget or {@link EventLoop#stop()}, events injected
 * between runs, and peeks.
 */
class EventLoopWheelTest {

    /** About how far ahead the outer wheel reaches (its buckets times the block size), ns. */
    private static final long OUTER_REACH_NS = (long) EventLoop.OUTER_BUCKETS * EventLoop.BLOCK_NS;

    /** A reference event: time, sequence, id in the loop, target. */
    private static final class Ref {
        final long time;
        final long seq;
        final long id;
        final int target;

        Ref(final long time, final long seq, final long id, final int target) {
            this.time = time;
            this.seq = seq;
            this.id = id;
            this.target = target;
        }
    }

    private final List<long[]> dispatched = new ArrayList<>();
    private final PriorityQueue<Ref> reference = new PriorityQueue<>(
        Comparator.<Ref>comparingLong(r -> r.time).thenComparingLong(r -> r.seq));
    private final List<Ref> live = new ArrayList<>();
    private long seq;
    private int nextTarget;
    private EventLoop loop;
    private int kind;
    private RandomStream random;
    private boolean stopped;
    /** Few events pending, mostly within the wheel's reach (a router's pattern: the run takes them directly). */
    private boolean sparse;
    /**
     * Few events pending, most of them in the outer wheel at whole microseconds (a router's arrivals, RTT/2
     * ahead): buckets of one event, taken straight out of them, and equal times among them.
     */
    private boolean farSparse;

    private long delay() {
        if (farSparse && random.nextInt(8) != 0) {
            return random.nextInt(16) == 0 ? 0 : 1000L * (3 * EventLoop.BLOCK_NS / 1000 + random.nextInt(120));
        }
        if (sparse && random.nextInt(4) != 0) {
            return random.nextInt(8) == 0 ? random.nextLong(4) : random.nextLong(2L * EventLoop.BLOCK_NS);
        }
        switch (random.nextInt(9)) {
            case 0:
                return 0;
            case 1:
                return random.nextLong(EventLoop.WHEEL_NS);
            case 2:
                return EventLoop.WHEEL_NS - 1 + random.nextLong(3);
            case 3:
                return random.nextLong(10L * EventLoop.WHEEL_NS);
            case 4:
                return random.nextLong(1L << 40);
            case 5:
                return random.nextLong(3L * OUTER_REACH_NS);
            case 6:
                return OUTER_REACH_NS - 2L * EventLoop.BLOCK_NS + random.nextLong(4L * EventLoop.BLOCK_NS);
            case 7:
                return random.nextLong(3L * EventLoop.BLOCK_NS);
            default:
                return random.nextLong(64);
        }
    }

    private void schedule(final long time) {
        final int target = nextTarget++;
        final long id = loop.schedule(time, kind, target, 0);
        final Ref r = new Ref(time, seq++, id, target);
        reference.add(r);
        live.add(r);
    }

    private void cancelSome() {
        if (!live.isEmpty() && random.nextInt(4) == 0) {
            final Ref r = live.remove(random.nextInt(live.size()));
            final boolean expected = reference.remove(r);
            assertThat(loop.cancel(r.id)).isEqualTo(expected);
        }
    }

    private void onEvent(final int target, final long arg, final long nowNs) {
        dispatched.add(new long[] {nowNs, target});
        // what runs must be exactly the reference's next event
        final Ref expected = reference.poll();
        assertThat(expected).as("an event ran that the reference does not have").isNotNull();
        live.remove(expected);
        assertThat(new long[] {nowNs, target}).as("event %d", dispatched.size())
            .containsExactly(expected.time, expected.target);
        final int children = !sparse && !farSparse ? random.nextInt(3)
            : reference.size() < 3 ? 1 + random.nextInt(2) : random.nextInt(reference.size() < 8 ? 2 : 1);
        for (int i = children; i > 0; i--) {
            schedule(nowNs + delay());
        }
        cancelSome();
        if (random.nextInt(50) == 0) {
            loop.stop();
            stopped = true;
        }
    }

    @Test
    void shouldMatchAReferenceQueueUnderRandomUse() {
        runRandom(200);
    }

    @Test
    void shouldMatchAReferenceQueueWithFewEventsPendingMostlyNear() {
        sparse = true;
        runRandom(3);
    }

    @Test
    void shouldMatchAReferenceQueueWithFewEventsPendingMostlyFar() {
        farSparse = true;
        runRandom(3);
    }

    private void runRandom(final int initial) {
        for (long s = 1; s <= 20; s++) {
            random = RandomStream.derive(s, 0, "event-loop-wheel");
            loop = new EventLoop(16);
            kind = loop.register(this::onEvent, "random");
            dispatched.clear();
            reference.clear();
            live.clear();
            for (int i = 0; i < initial; i++) {
                schedule(delay());
            }
            for (int round = 0; round < 400 && (!reference.isEmpty() || round < 10 || sparse || farSparse);
                    round++) {
                final long peek = loop.nextEventTimeNs();
                assertThat(peek).as("seed %d: next event time", s)
                    .isEqualTo(reference.isEmpty() ? Long.MAX_VALUE : reference.peek().time);
                final long endNs = loop.nowNs() + delay();
                final long budget = 1 + random.nextInt(100);
                stopped = false;
                final long ran = loop.run(endNs, budget);
                assertThat(ran).isLessThanOrEqualTo(budget);
                if (stopped || ran == budget) {
                    // the clock stays at the last event dispatched
                    assertThat(dispatched.get(dispatched.size() - 1)[0]).isEqualTo(loop.nowNs());
                } else {
                    // stopped for time: nothing due is left, and the clock moved to the end
                    assertThat(reference.isEmpty() || reference.peek().time > endNs).as("seed %d", s).isTrue();
                    assertThat(loop.nowNs()).isEqualTo(endNs);
                }
                assertThat(loop.pending()).isEqualTo(reference.size());
                // inject between runs, at the current time or later
                for (int i = random.nextInt(4); i > 0; i--) {
                    schedule(loop.nowNs() + delay());
                }
                cancelSome();
            }
            while (loop.pending() > 0) {
                loop.runUntil(Long.MAX_VALUE - 1);
            }
            assertThat(reference).isEmpty();
            assertThat(dispatched.size()).as("seed %d", s).isGreaterThan(sparse || farSparse ? 500 : 200);
            assertThat(loop.dispatched()).as("seed %d", s).isEqualTo(dispatched.size());
        }
    }

    @Test
    void shouldKeepSchedulingOrderForEqualTimesAcrossTheWheelAndTheHeap() {
        loop = new EventLoop(16);
        final List<Integer> order = new ArrayList<>();
        final int k = loop.register((t, a, n) -> order.add(t), "order");
        final long far = 5L * EventLoop.WHEEL_NS;
        loop.schedule(far, k, 0, 0);                 // heap
        loop.schedule(far - EventLoop.WHEEL_NS, k, 1, 0);
        loop.runUntil(far - EventLoop.WHEEL_NS);     // base moves: event 0 is now within reach
        loop.schedule(far, k, 2, 0);                 // straight into the wheel, after event 0
        loop.schedule(far, k, 3, 0);
        loop.runUntil(far);
        assertThat(order).containsExactly(1, 0, 2, 3);
    }

    @Test
    void shouldKeepSchedulingOrderForEqualTimesAcrossTheOuterWheelAndTheHeap() {
        loop = new EventLoop(16);
        final List<Integer> order = new ArrayList<>();
        final int k = loop.register((t, a, n) -> order.add(t), "order");
        final long far = OUTER_REACH_NS + 5L * EventLoop.WHEEL_NS + 7;
        loop.schedule(far, k, 0, 0);                                  // heap
        loop.schedule(far - 1, k, 1, 0);                              // heap
        loop.schedule(6L * EventLoop.WHEEL_NS, k, 2, 0);              // outer wheel
        loop.runUntil(6L * EventLoop.WHEEL_NS);                       // the block moves: 0 and 1 reach the outer wheel
        loop.schedule(far, k, 3, 0);                                  // straight into the outer wheel, after 0
        loop.schedule(far - 1, k, 4, 0);
        loop.runUntil(far - 20);                                      // nothing due: the block stays before far's
        loop.schedule(far, k, 5, 0);
        loop.runUntil(far);
        assertThat(order).containsExactly(2, 1, 4, 0, 3, 5);
        assertThat(loop.pending()).isZero();
        assertThat(loop.nowNs()).isEqualTo(far);
    }

    @Test
    void shouldRunACascadedBlockInTimeOrderAheadOfLaterEventsOfEqualTime() {
        // 10 and 64 events: sorted into the run; 65 and 300: spilled into the timing wheel
        for (final int n : new int[] {10, EventLoop.RUN_MAX, EventLoop.RUN_MAX + 1, 300}) {
            loop = new EventLoop(16);
            final List<long[]> got = new ArrayList<>();
            final int k = loop.register((t, a, now) -> got.add(new long[] {now, t}), "run");
            final List<long[]> expected = new ArrayList<>();
            final java.util.Random r = new java.util.Random(n);
            final long block = 3L * EventLoop.WHEEL_NS;
            for (int i = 0; i < n; i++) {
                final long t = block + 40 + r.nextInt(30);
                loop.schedule(t, k, i, 0);
                expected.add(new long[] {t, i});
            }
            loop.schedule(EventLoop.WHEEL_NS, k, -1, 0);
            loop.runUntil(block + 20);                      // block 3 is cascaded, nothing of it due yet
            for (int i = 0; i < 20; i++) {
                final long t = block + 30 + r.nextInt(45);   // straight into the wheel, some at equal times
                loop.schedule(t, k, n + i, 0);
                expected.add(new long[] {t, n + i});
            }
            assertThat(loop.pending()).isEqualTo(n + 20);
            assertThat(loop.nextEventTimeNs()).isEqualTo(expected.stream().mapToLong(e -> e[0]).min().getAsLong());
            loop.runUntil(block + EventLoop.WHEEL_NS);
            expected.sort(Comparator.comparingLong(e -> e[0]));   // stable: scheduling order on equal times
            assertThat(got.get(0)).containsExactly(EventLoop.WHEEL_NS, -1);
            assertThat(got.subList(1, got.size())).as("%d events in the block", n)
                .usingElementComparator((a, b) -> java.util.Arrays.equals(a, b) ? 0 : 1)
                .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldStayCorrectAfterARebase() {
        loop = new EventLoop(16);
        final List<long[]> got = new ArrayList<>();
        final int k = loop.register((t, a, n) -> got.add(new long[] {n, t}), "rebase");
        for (int i = 0; i < 100; i++) {
            loop.schedule(1_000 + (i % 7) * 5_000L, k, i, 0);
        }
        loop.rebase(500);
        loop.schedule(700, k, 100, 0);
        loop.runUntil(Long.MAX_VALUE - 1);
        assertThat(got).hasSize(101);
        assertThat(got.get(0)).containsExactly(700, 100);
        for (int i = 2; i < got.size(); i++) {
            final long[] a = got.get(i - 1);
            final long[] b = got.get(i);
            assertThat(b[0] > a[0] || (b[0] == a[0] && b[1] > a[1])).as("%d then %d", a[1], b[1]).isTrue();
        }
    }

    @Test
    void shouldCompactCancelledEventsInTheWheelAndTheHeap() {
        loop = new EventLoop(16);
        final List<Integer> order = new ArrayList<>();
        final int k = loop.register((t, a, n) -> order.add(t), "compact");
        final long[] ids = new long[6_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = loop.schedule((i % 3 == 0 ? 100 : 10L * EventLoop.WHEEL_NS) + i % 10, k, i, 0);
        }
        for (int i = 0; i < ids.length; i++) {
            if (i % 4 != 0) {
                assertThat(loop.cancel(ids[i])).isTrue();
            }
        }
        assertThat(loop.pending()).isEqualTo(1_500);
        loop.runUntil(Long.MAX_VALUE - 1);
        assertThat(order).hasSize(1_500).allMatch(t -> t % 4 == 0);
    }

    @Test
    void shouldAppendInOrderToListsThatACompactionShortened() {
        loop = new EventLoop(16);
        final List<Integer> order = new ArrayList<>();
        final int k = loop.register((t, a, n) -> order.add(t), "compact-then-append");
        final long[] ids = new long[3_000];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = loop.schedule(200 + i % 3, k, i, 0);   // three wheel positions, 1000 events each
        }
        for (int i = 0; i < ids.length; i++) {
            // time 200 keeps its first event, time 201 its last, time 202 none
            final boolean keep = i == 0 || i == ids.length - 2;
            if (!keep) {
                assertThat(loop.cancel(ids[i])).isTrue();
            }
        }
        assertThat(loop.pending()).isEqualTo(2);
        loop.schedule(202, k, 10_002, 0);
        loop.schedule(201, k, 10_001, 0);
        loop.schedule(200, k, 10_000, 0);
        loop.schedule(202, k, 20_002, 0);
        loop.runUntil(1_000);
        assertThat(order).containsExactly(0, 10_000, 2_998, 10_001, 10_002, 20_002);
    }

    @Test
    void shouldPassTargetAndArgumentUnchanged() {
        loop = new EventLoop(16);
        final List<long[]> got = new ArrayList<>();
        final int k = loop.register((t, a, n) -> got.add(new long[] {t, a, n}), "values");
        final long[] args = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFF_FFFFL, 0x8000_0000L, -0x1_0000_0000L};
        final int[] targets = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 7, 1 << 31 >>> 1, -2};
        for (int i = 0; i < args.length; i++) {
            loop.schedule(i * 3L * EventLoop.WHEEL_NS, k, targets[i], args[i]);   // wheel and heap
        }
        loop.runUntil(Long.MAX_VALUE - 1);
        assertThat(got).hasSize(args.length);
        for (int i = 0; i < args.length; i++) {
            assertThat(got.get(i)).containsExactly(targets[i], args[i], i * 3L * EventLoop.WHEEL_NS);
        }
    }

    @Test
    void shouldRejectIdsThatNameNoSlot() {
        loop = new EventLoop(16);
        final int k = loop.register((t, a, n) -> { }, "ids");
        final long id = loop.schedule(10, k, 0, 0);
        assertThat(loop.isPending(id)).isTrue();
        assertThat(loop.cancel(id + 1)).isFalse();
        assertThat(loop.cancel(id ^ (1L << 31))).isFalse();
        assertThat(loop.cancel(id + (1L << 32))).isFalse();
        assertThat(loop.cancel(0)).isFalse();
        assertThat(loop.cancel(EventLoop.NO_EVENT)).isFalse();
        assertThat(loop.pending()).isEqualTo(1);
        assertThat(loop.cancel(id)).isTrue();
        assertThat(loop.cancel(id)).isFalse();
        assertThat(loop.pending()).isZero();
    }
}
