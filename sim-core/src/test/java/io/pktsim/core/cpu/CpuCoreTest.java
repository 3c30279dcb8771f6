package io.pktsim.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;

import io.pktsim.core.random.RandomStream;
import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

class CpuCoreTest {

    private final CpuStages stages = new CpuStages();
    private final int rx = stages.register("driver_rx");
    private final int gro = stages.register("gro");

    @Test
    void shouldCompleteWorkOnAnIdleCoreAfterCyclesOverClock() {
        final CpuCore core = new CpuCore(0, "cpu0", 2_000_000_000L, stages);
        assertThat(core.charge(1_000, rx, 1_000)).isEqualTo(1_500);
        assertThat(core.busyUntilNs()).isEqualTo(1_500);
        assertThat(core.isBusy(1_499)).isTrue();
        assertThat(core.isBusy(1_500)).isFalse();
    }

    @Test
    void shouldQueueWorkChargedWhileBusy() {
        final CpuCore core = new CpuCore(0, "cpu0", 1_000_000_000L, stages);
        assertThat(core.charge(0, rx, 300)).isEqualTo(300);
        assertThat(core.charge(100, gro, 200)).isEqualTo(500);
        assertThat(core.backlogCycles(100)).isEqualTo(400);
        assertThat(core.backlogCycles(450)).isEqualTo(50);
        // idle again: the next charge starts when it is made
        assertThat(core.charge(1_000, rx, 10)).isEqualTo(1_010);
    }

    @Test
    void shouldRoundTheCompletionUpButKeepTheExactRemainder() {
        final CpuCore core = new CpuCore(0, "cpu0", 3_000_000_000L, stages);
        // one cycle at 3 GHz is 1/3 ns: completions 1, 1, 1, 2, 2, 2, ...
        assertThat(core.charge(0, rx, 1)).isEqualTo(1);
        assertThat(core.charge(0, rx, 1)).isEqualTo(1);
        assertThat(core.charge(0, rx, 1)).isEqualTo(1);
        assertThat(core.charge(0, rx, 1)).isEqualTo(2);
        assertThat(core.isBusy(1)).isTrue();
    }

    @Test
    void shouldNotDriftOverMillionsOfSmallCharges() {
        final CpuCore core = new CpuCore(0, "cpu0", 3_000_000_000L, stages);
        double naive = 0;
        for (int i = 0; i < 3_000_000; i++) {
            core.charge(0, rx, 1);
            naive += 1e9 / 3_000_000_000.0;
        }
        // exactly one millisecond, where summing doubles does not land exactly
        assertThat(core.busyUntilNs()).isEqualTo(1_000_000);
        assertThat(core.chargedCycles()).isEqualTo(3_000_000);
        assertThat(naive).isNotEqualTo(1_000_000.0);
    }

    @Test
    void shouldAgreeWithExactRationalArithmeticOnRandomCharges() {
        final RandomStream random = RandomStream.derive(2024, 0, "cpu-exact");
        final long[] clocks = {1_000_000_000L, 1_800_000_000L, 2_200_000_000L, 3_333_333_333L, 7L};
        for (final long clock : clocks) {
            final CpuCore core = new CpuCore(0, "cpu", clock, stages);
            // reference: busy-until as an exact fraction numerator / clock (in ns)
            BigInteger busyNumerator = BigInteger.ZERO;
            final BigInteger bigClock = BigInteger.valueOf(clock);
            long now = 0;
            for (int i = 0; i < 20_000; i++) {
                now += random.nextLong(clock == 7L ? 100_000_000_000L : 2_000);
                final long cycles = random.nextLong(clock == 7L ? 100 : 5_000);
                final BigInteger nowNumerator = BigInteger.valueOf(now).multiply(bigClock);
                busyNumerator = busyNumerator.max(nowNumerator)
                    .add(BigInteger.valueOf(cycles).multiply(BigInteger.valueOf(1_000_000_000L)));
                final BigInteger[] qr = busyNumerator.divideAndRemainder(bigClock);
                final long expected = qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
                assertThat(core.charge(now, i % 2 == 0 ? rx : gro, cycles))
                    .as("charge %d at %d ns on a %d Hz core", i, now, clock).isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldAccountExecutedCyclesPerStageWithTheBacklogLast() {
        final CpuCore core = new CpuCore(0, "cpu0", 1_000_000_000L, stages);
        core.charge(0, rx, 100);
        core.charge(0, gro, 300);
        core.charge(0, rx, 50);
        // at 200 ns: rx 100 done, gro 100 of 300 done, the last rx 50 still queued
        assertThat(core.executedCycles(200)).isEqualTo(200);
        assertThat(core.executedCycles(rx, 200)).isEqualTo(100);
        assertThat(core.executedCycles(gro, 200)).isEqualTo(100);
        assertThat(core.executedCycles(rx, 420)).isEqualTo(120);
        assertThat(core.executedCycles(gro, 420)).isEqualTo(300);
        assertThat(core.executedCycles(rx, 10_000)).isEqualTo(150);
        assertThat(core.chargedCycles(rx)).isEqualTo(150);
        assertThat(core.chargedCycles(gro)).isEqualTo(300);
        assertThat(core.chargeCount()).isEqualTo(3);
    }

    @Test
    void shouldKeepEveryPendingChargeWhenTheBacklogIsDeep() {
        final CpuCore core = new CpuCore(0, "cpu0", 1_000_000_000L, stages);
        for (int i = 0; i < 1_000; i++) {
            core.charge(i, i % 2 == 0 ? rx : gro, 10);
        }
        // 10_000 cycles charged by 999 ns; by 5_000 ns exactly the first 500 charges ran
        assertThat(core.executedCycles(rx, 5_000)).isEqualTo(2_500);
        assertThat(core.executedCycles(gro, 5_000)).isEqualTo(2_500);
        assertThat(core.executedCycles(rx, 5_005)).isEqualTo(2_505);
        assertThat(core.executedCycles(gro, 5_005)).isEqualTo(2_500);
    }

    @Test
    void shouldRejectBrokenCharges() {
        final CpuCore core = new CpuCore(0, "cpu0", 1_000_000_000L, stages);
        core.charge(100, rx, 1);
        assertThatThrownBy(() -> core.charge(50, rx, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("cpu0").hasMessageContaining("at 50 ns").hasMessageContaining("last charge at 100");
        assertThatThrownBy(() -> core.charge(100, rx, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> core.charge(100, 7, 1)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("stage 7");
        assertThatThrownBy(() -> new CpuCore(1, "cpu1", 0, stages)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CpuCore(1, "cpu1", CpuCore.MAX_CLOCK_HZ + 1, stages))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAcceptStagesRegisteredAfterTheCoreWasMade() {
        final CpuCore core = new CpuCore(0, "cpu0", 1_000_000_000L, stages);
        int last = 0;
        for (int i = 0; i < 40; i++) {
            last = stages.register("late" + i);
        }
        core.charge(0, last, 77);
        assertThat(core.chargedCycles(last)).isEqualTo(77);
        assertThat(stages.name(last)).isEqualTo("late39");
        assertThat(stages.register("gro")).isEqualTo(gro);
        assertThat(stages.find("nope")).isEqualTo(CpuStages.NO_STAGE);
    }

    @Test
    void shouldConvertBetweenCyclesAndNanoseconds() {
        assertThat(CpuCore.cyclesToNs(3, 3_000_000_000L)).isEqualTo(1);
        assertThat(CpuCore.cyclesToNs(4, 3_000_000_000L)).isEqualTo(2);
        assertThat(CpuCore.cyclesToNs(5_000_000_000L, 2_500_000_000L)).isEqualTo(2_000_000_000L);
        assertThat(CpuCore.nsToCycles(1_000_000_000_000L, 9_000_000_000L)).isEqualTo(9_000_000_000_000L);
        assertThat(CpuCore.nsToCycles(1, 2_500_000_000L)).isEqualTo(2);
    }

    @Test
    void shouldChargeAndAccountWithoutAllocating() {
        final CpuCore core = new CpuCore(0, "cpu0", 2_400_000_000L, stages);
        final long[] now = new long[1];
        final long[] sink = new long[1];
        AllocationMeter.assertNoAllocation("CpuCore.charge", () -> {
            now[0] += 250;
            sink[0] += core.charge(now[0], rx, 700) + core.charge(now[0], gro, 300);
            sink[0] += core.executedCycles(gro, now[0]) + core.backlogCycles(now[0]);
        });
        assertThat(sink[0]).isPositive();
    }
}
