package io.pktsim.core.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AllocationMeterTest {

    private static Object sink;
    private static long counter;

    @Test
    void shouldMeasureNothingForAnEmptyLoop() {
        // like assertNoAllocation, a window may catch a late JIT compilation on a loaded machine: one of a few
        // windows must be clean
        long bytes = AllocationMeter.overheadBytes();
        for (int attempt = 1; attempt < AllocationMeter.ATTEMPTS && bytes != 0; attempt++) {
            bytes = AllocationMeter.overheadBytes();
        }
        assertThat(bytes).isZero();
    }

    @Test
    void shouldPassWorkThatDoesNotAllocate() {
        AllocationMeter.assertNoAllocation("counter", () -> counter++);
        assertThat(counter).isPositive();
    }

    @Test
    void shouldSeeAnAllocationPerIteration() {
        final long bytes = AllocationMeter.measure(1000, 1000, () -> sink = new long[4]);
        // at least 1000 arrays of 4 longs (16 header + 32 data bytes each)
        assertThat(bytes).isGreaterThanOrEqualTo(1000L * 48);
    }

    @Test
    void shouldFailWorkThatAllocates() {
        assertThatThrownBy(() -> AllocationMeter.assertNoAllocation("boxing", 100, 100,
            () -> sink = new StringBuilder().append(counter++)))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("boxing: allocated");
    }
}
