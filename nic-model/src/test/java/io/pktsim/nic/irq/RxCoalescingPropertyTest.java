package io.pktsim.nic.irq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.event.EventLoop;
import io.pktsim.nic.trace.NicTrace;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RxCoalescingPropertyTest {

    /**
     * Every interrupt signals a run of consecutive completions: by the count, at the last of them, exactly
     * rx-frames of them; by the timer, exactly the (rounded) delay after the first of them; and nothing is
     * signalled twice or lost.
     */
    @Property(tries = 300)
    void everyInterruptIsExplainedByTheCountOrTheTimer(
        @ForAll @Size(min = 1, max = 100) final List<@IntRange(min = 0, max = 150_000) Integer> gapsNs,
        @ForAll @IntRange(min = 0, max = 100) final int usecs,
        @ForAll @IntRange(min = 0, max = 9) final int frames,
        @ForAll final boolean mtkUnits) {
        final EventLoop loop = new EventLoop();
        final List<long[]> irqs = new ArrayList<>();
        final RxCoalescing c = new RxCoalescing("q", 0, loop,
            (t, n, timer) -> irqs.add(new long[] {t, n, timer ? 1 : 0}), NicTrace.disabled());
        if (mtkUnits) {
            c.hardwareUnitNs(RxCoalescing.MTK_PDMA_DELAY_UNIT_NS);
        }
        c.set(usecs, frames);
        final int kind = loop.register((target, arg, now) -> c.onCompletion(now), "completion");
        final List<Long> times = new ArrayList<>();
        long t = 0;
        for (final int gap : gapsNs) {
            t += gap;
            times.add(t);
            loop.schedule(t, kind, 0, 0);
        }
        loop.runUntil(Long.MAX_VALUE - 1);
        int k = 0;
        for (final long[] irq : irqs) {
            final int n = (int) irq[1];
            assertThat(n).isPositive();
            if (irq[2] == 1) {
                assertThat(irq[0]).isEqualTo(times.get(k) + c.delayNs());
                if (c.frameLimit() > 0) {
                    assertThat(n).isLessThan(c.frameLimit());
                }
            } else {
                assertThat(irq[0]).isEqualTo(times.get(k + n - 1));
                assertThat(n).isEqualTo(c.disabled() ? 1 : c.frameLimit());
            }
            k += n;
        }
        assertThat(k + c.pending()).isEqualTo(times.size());
        if (c.delayNs() > 0) {
            assertThat(c.pending()).as("the timer signals everything in the end").isZero();
        }
    }
}
