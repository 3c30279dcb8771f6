package io.pktsim.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

class TraceBusTest {

    /** A sink that copies every event it receives, and the thread it ran on. */
    static final class CollectingSink implements TraceSink {
        final List<long[]> events = new ArrayList<>();
        final AtomicReference<Thread> thread = new AtomicReference<>();
        volatile boolean closed;
        volatile long sleepEveryNs;

        @Override
        public String name() {
            return "collect";
        }

        @Override
        public void onEvent(final TraceEvent e, final TraceNames names, final boolean endOfBatch) {
            thread.set(Thread.currentThread());
            events.add(new long[] {e.timeNs(), e.component(), e.kind(), e.packet(), e.arg(0), e.arg(1), e.arg(2),
                e.arg(3)});
            if (sleepEveryNs > 0 && events.size() % 100 == 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(sleepEveryNs);
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void shouldDeliverEveryEventInOrderWithItsFieldsToEverySink() throws IOException {
        final TraceNames names = new TraceNames();
        final int nic = names.component("eth0");
        final int poll = names.kind("napi_poll", "work", "budget");
        final CollectingSink a = new CollectingSink();
        final CollectingSink b = new CollectingSink();
        final int n = 50_000;
        // a small ring: the producer laps it many times and must wait for the sinks
        try (TraceBus bus = TraceBus.start(names, 64, a, b)) {
            assertThat(bus.enabled()).isTrue();
            for (int i = 0; i < n; i++) {
                final int packet = i % 7 == 0 ? TraceEvent.NO_PACKET : i;
                bus.publish(1_000L * i, nic, poll, packet, i, 64, -i, Long.MAX_VALUE - i);
            }
            assertThat(bus.published()).isEqualTo(n);
        }
        for (final CollectingSink s : List.of(a, b)) {
            assertThat(s.closed).isTrue();
            assertThat(s.events).hasSize(n);
            assertThat(s.thread.get()).isNotSameAs(Thread.currentThread());
            for (int i = 0; i < n; i++) {
                assertThat(s.events.get(i)).containsExactly(1_000L * i, nic, poll,
                    i % 7 == 0 ? TraceEvent.NO_PACKET : i, i, 64, -i, Long.MAX_VALUE - i);
            }
        }
    }

    @Test
    void shouldFillMissingNumbersWithZero() throws IOException {
        final TraceNames names = new TraceNames();
        final CollectingSink s = new CollectingSink();
        try (TraceBus bus = TraceBus.start(names, 8, s)) {
            bus.publish(1, 2, 3, 4);
            bus.publish(5, 6, 7, 8, 9);
            bus.publish(10, 11, 12, 13, 14, 15);
        }
        assertThat(s.events.get(0)).containsExactly(1, 2, 3, 4, 0, 0, 0, 0);
        assertThat(s.events.get(1)).containsExactly(5, 6, 7, 8, 9, 0, 0, 0);
        assertThat(s.events.get(2)).containsExactly(10, 11, 12, 13, 14, 15, 0, 0);
    }

    @Test
    void shouldDrainASlowSinkOnClose() throws IOException {
        final CollectingSink slow = new CollectingSink();
        slow.sleepEveryNs = 2_000_000;
        final int n = 3_000;
        final TraceBus bus = TraceBus.start(new TraceNames(), 1 << 12, slow);
        for (int i = 0; i < n; i++) {
            bus.publish(i, 0, 0, i);
        }
        bus.close();
        assertThat(slow.events).hasSize(n);
        assertThat(slow.events.get(n - 1)[0]).isEqualTo(n - 1);
        assertThat(slow.closed).isTrue();
    }

    @Test
    void shouldIgnoreTracePointsAfterClose() throws IOException {
        final CollectingSink s = new CollectingSink();
        final TraceBus bus = TraceBus.start(new TraceNames(), 8, s);
        bus.publish(1, 0, 0, 0);
        bus.close();
        assertThat(bus.enabled()).isFalse();
        bus.publish(2, 0, 0, 0);
        bus.close();
        assertThat(s.events).hasSize(1);
    }

    @Test
    void shouldReportAFailingSinkOnCloseWithoutBlockingTheSimulation() throws IOException {
        final CollectingSink good = new CollectingSink();
        final boolean[] aborted = new boolean[1];
        final TraceSink bad = new TraceSink() {
            private int seen;

            @Override
            public String name() {
                return "disk-full";
            }

            @Override
            public void onEvent(final TraceEvent event, final TraceNames names, final boolean endOfBatch)
                throws IOException {
                if (++seen == 5) {
                    throw new IOException("No space left on device");
                }
            }

            @Override
            public void abort() {
                aborted[0] = true;
            }

            @Override
            public void close() {
                throw new AssertionError("a failed sink is aborted, not closed");
            }
        };
        final TraceBus bus = TraceBus.start(new TraceNames(), 8, bad, good);
        for (int i = 0; i < 1_000; i++) {
            bus.publish(i, 0, 0, 0);
        }
        assertThatThrownBy(bus::close).isInstanceOf(IOException.class)
            .hasMessage("trace sink 'disk-full' failed at trace event 4: No space left on device");
        assertThat(aborted[0]).isTrue();
        assertThat(good.events).hasSize(1_000);
        assertThat(good.closed).isTrue();
    }

    @Test
    void shouldBeDisabledWithoutSinks() throws IOException {
        final TraceBus off = TraceBus.disabled();
        assertThat(off.enabled()).isFalse();
        off.publish(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(off.published()).isZero();
        off.close();
        final TraceBus none = TraceBus.start(new TraceNames(), 3);
        assertThat(none.enabled()).isFalse();
        none.close();
        assertThatThrownBy(() -> TraceBus.start(new TraceNames(), 3, new CollectingSink()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
    }

    @Test
    void shouldAllocateNothingAtATracePointOfADisabledBus() {
        final TraceBus bus = TraceBus.disabled();
        final long[] now = new long[1];
        AllocationMeter.assertNoAllocation("disabled trace point", () -> {
            now[0]++;
            if (bus.enabled()) {
                bus.publish(now[0], 1, 2, 3, now[0], 5, 6, 7);
            }
            bus.publish(now[0], 1, 2, 3, now[0], 5, 6, 7);
        });
    }

    @Test
    void shouldAllocateNothingOnTheSimulationThreadWhenPublishing() throws IOException {
        final TraceNames names = new TraceNames();
        final int c = names.component("cpu0");
        final int k = names.kind("charge", "cycles");
        final long[] count = new long[1];
        final TraceSink counting = new TraceSink() {
            @Override
            public String name() {
                return "count";
            }

            @Override
            public void onEvent(final TraceEvent event, final TraceNames n, final boolean endOfBatch) {
                count[0]++;
            }

            @Override
            public void close() {
                // nothing held
            }
        };
        final long[] now = new long[1];
        try (TraceBus bus = TraceBus.start(names, 1 << 10, counting)) {
            AllocationMeter.assertNoAllocation("enabled trace point", () -> {
                now[0]++;
                if (bus.enabled()) {
                    bus.publish(now[0], c, k, TraceEvent.NO_PACKET, 700);
                }
            });
            assertThat(bus.published()).isPositive();
        }
        assertThat(count[0]).isEqualTo(now[0]);
    }
}
