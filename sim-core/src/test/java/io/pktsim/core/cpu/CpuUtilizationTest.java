package io.pktsim.core.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pktsim.core.test.AllocationMeter;
import org.junit.jupiter.api.Test;

class CpuUtilizationTest {

    private final CpuStages stages = new CpuStages();
    private final int irq = stages.register("hardirq");
    private final int napi = stages.register("napi_poll");
    private final CpuCore cpu0 = new CpuCore(0, "cpu0", 1_000_000_000L, stages);
    private final CpuCore cpu1 = new CpuCore(1, "cpu1", 2_000_000_000L, stages);

    @Test
    void shouldReportUtilizationPerCoreAndPerStage() {
        final CpuUtilization window = new CpuUtilization(stages, cpu0, cpu1);
        window.begin(0);
        cpu0.charge(0, irq, 100);
        cpu0.charge(100, napi, 400);
        cpu1.charge(0, napi, 1_000);
        window.end(1_000);
        assertThat(window.windowNs()).isEqualTo(1_000);
        assertThat(window.capacityCycles(0)).isEqualTo(1_000);
        assertThat(window.capacityCycles(1)).isEqualTo(2_000);
        assertThat(window.busyCycles(0)).isEqualTo(500);
        assertThat(window.utilization(0)).isEqualTo(0.5);
        assertThat(window.utilization(0, irq)).isEqualTo(0.1);
        assertThat(window.utilization(0, napi)).isEqualTo(0.4);
        assertThat(window.utilization(1)).isEqualTo(0.5);
        assertThat(window.stageUtilization(napi)).isCloseTo(1_400.0 / 3_000, within(1e-12));
        assertThat(window.describe()).isEqualTo("cpu0 50.0% hardirq=10.0% napi_poll=40.0%\n"
            + "cpu1 50.0% napi_poll=50.0%\n");
    }

    @Test
    void shouldCountOnlyTheWorkThatRanInsideTheWindow() {
        final CpuUtilization window = new CpuUtilization(stages, cpu0);
        cpu0.charge(0, irq, 1_500);          // runs 0..1500 ns
        window.begin(1_000);                 // 500 cycles of it fall in the window
        cpu0.charge(1_800, napi, 400);       // runs 1800..2200 ns: 200 cycles in the window
        window.end(2_000);
        assertThat(window.busyCycles(0, irq)).isEqualTo(500);
        assertThat(window.busyCycles(0, napi)).isEqualTo(200);
        assertThat(window.utilization(0)).isEqualTo(0.7);
        window.begin(2_000);
        window.end(3_000);
        assertThat(window.busyCycles(0, napi)).isEqualTo(200);
        assertThat(window.busyCycles(0, irq)).isZero();
        assertThat(window.utilization(0)).isEqualTo(0.2);
    }

    @Test
    void shouldRefuseToReportAnOpenWindow() {
        final CpuUtilization window = new CpuUtilization(stages, cpu0);
        window.begin(0);
        assertThatThrownBy(() -> window.utilization(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> window.end(-1)).isInstanceOf(IllegalArgumentException.class);
        final CpuCore other = new CpuCore(2, "cpu2", 1_000_000_000L, new CpuStages());
        assertThatThrownBy(() -> new CpuUtilization(stages, other)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldOpenAndCloseWindowsWithoutAllocating() {
        final CpuUtilization window = new CpuUtilization(stages, cpu0, cpu1);
        final long[] now = new long[1];
        final double[] sink = new double[1];
        AllocationMeter.assertNoAllocation("CpuUtilization begin/end", () -> {
            window.begin(now[0]);
            cpu0.charge(now[0], napi, 50);
            now[0] += 100;
            window.end(now[0]);
            sink[0] += window.utilization(0, napi);
        });
        assertThat(sink[0]).isPositive();
    }
}
