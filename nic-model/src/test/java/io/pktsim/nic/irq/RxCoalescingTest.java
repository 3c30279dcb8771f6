package io.pktsim.nic.irq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.pktsim.core.event.EventLoop;
import io.pktsim.core.test.AllocationMeter;
import io.pktsim.nic.trace.NicTrace;
import org.junit.jupiter.api.Test;

class RxCoalescingTest {

    private final EventLoop loop = new EventLoop();
    private final List<long[]> irqs = new ArrayList<>();
    private final RxCoalescing c = new RxCoalescing("q0", 0, loop,
        (t, frames, timer) -> irqs.add(new long[] {t, frames, timer ? 1 : 0}), NicTrace.disabled());

    private void frameAt(final long t) {
        loop.schedule(t, loop.register((a, b, now) -> c.onCompletion(now), "f" + t), 0, 0);
    }

    @Test
    void shouldPinTheMtkDefaults() {
        c.mtkDefaults();
        assertThat(c.rxFrames()).isEqualTo(4);
        assertThat(c.rxUsecs()).isEqualTo(80);
        assertThat(c.delayNs()).isEqualTo(80_000);
        assertThat(RxCoalescing.MTK_PDMA_DELAY_RX_PINT).isEqualTo(4);
        assertThat(RxCoalescing.MTK_PDMA_DELAY_RX_PTIME).isEqualTo(4);
    }

    @Test
    void shouldInterruptAfterFourFramesExactly() {
        c.mtkDefaults();
        frameAt(1_000);
        frameAt(2_000);
        frameAt(3_000);
        frameAt(4_000);
        frameAt(5_000);
        loop.runUntil(50_000);
        assertThat(irqs).hasSize(1);
        assertThat(irqs.get(0)).containsExactly(4_000, 4, 0);
        assertThat(c.pending()).isEqualTo(1);
        assertThat(c.timerArmed()).isTrue();
        loop.runUntil(1_000_000);
        assertThat(irqs).hasSize(2);
        assertThat(irqs.get(1)).as("the 5th frame waits 80 us").containsExactly(85_000, 1, 1);
    }

    @Test
    void shouldInterruptAfter80UsExactly() {
        c.mtkDefaults();
        frameAt(10_000);
        frameAt(60_000);
        frameAt(89_999);
        loop.runUntil(89_999);
        assertThat(irqs).isEmpty();
        loop.runUntil(90_000);
        assertThat(irqs).hasSize(1);
        assertThat(irqs.get(0)).containsExactly(90_000, 3, 1);
        assertThat(c.timerInterrupts()).isEqualTo(1);
        assertThat(c.countInterrupts()).isZero();
    }

    @Test
    void shouldRoundToTheHardwareUnit() {
        c.hardwareUnitNs(RxCoalescing.MTK_PDMA_DELAY_UNIT_NS).maxFrames(RxCoalescing.MTK_PDMA_DELAY_PINT_MASK)
            .set(50, 256);
        assertThat(c.delayNs()).as("50 us -> 3 units of 20 us").isEqualTo(60_000);
        assertThat(c.frameLimit()).isEqualTo(127);
        c.set(1, 4);
        assertThat(c.delayNs()).isEqualTo(20_000);
    }

    @Test
    void shouldInterruptPerFrameWithoutCoalescing() {
        c.set(0, 1);
        assertThat(c.disabled()).isTrue();
        frameAt(1);
        frameAt(2);
        frameAt(3);
        loop.runUntil(10);
        assertThat(irqs).extracting(a -> a[0]).containsExactly(1L, 2L, 3L);
        c.set(0, 0);
        assertThat(c.disabled()).isTrue();
    }

    @Test
    void shouldCountOnlyWithZeroUsecs() {
        c.set(0, 3);
        frameAt(1);
        frameAt(2);
        loop.runUntil(10_000_000);
        assertThat(irqs).isEmpty();
        assertThat(c.timerArmed()).isFalse();
    }

    @Test
    void shouldNotAllocatePerCompletion() {
        final long[] fired = {0};
        final RxCoalescing c = new RxCoalescing("q1", 1, loop, (t, frames, timer) -> fired[0]++,
            NicTrace.disabled()).mtkDefaults();
        final long[] t = {0};
        AllocationMeter.assertNoAllocation("coalescing completion + timer", () -> {
            t[0] += 1_000;
            c.onCompletion(t[0]);
            loop.runUntil(t[0]);
            if ((t[0] / 1_000) % 7 == 0) {
                t[0] += 100_000;
                loop.runUntil(t[0]);
            }
        });
        org.assertj.core.api.Assertions.assertThat(fired[0]).isPositive();
    }
}
