package io.pktsim.core.counter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pktsim.core.random.RandomStream;
import io.pktsim.core.test.AllocationMeter;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class DistributionTest {

    @Test
    void shouldRecordValuesAndReportPercentiles() {
        final Distribution d = new Distribution("napi_poll_batch", "packets", 1_000, 3);
        for (int v = 1; v <= 100; v++) {
            d.record(v);
        }
        assertThat(d.count()).isEqualTo(100);
        assertThat(d.min()).isEqualTo(1);
        assertThat(d.max()).isEqualTo(100);
        assertThat(d.valueAtPercentile(50)).isEqualTo(50);
        assertThat(d.valueAtPercentile(99)).isEqualTo(99);
        assertThat(d.mean()).isEqualTo(50.5);
        assertThat(d.clampedCount()).isZero();
        assertThat(d.describe()).isEqualTo(
            "napi_poll_batch [packets]: count=100 min=1 p50=50 p99=99 p99.9=100 max=100 clamped=0");
    }

    @Test
    void shouldClampAndCountValuesOutsideTheRange() {
        final Distribution d = new Distribution("latency", "ns", 10_000, 2);
        d.record(-5);
        d.record(1_000_000);
        d.record(7, 3);
        d.record(20_000, 2);
        assertThat(d.count()).isEqualTo(7);
        assertThat(d.clampedCount()).isEqualTo(4);
        assertThat(d.min()).isZero();
        assertThat(d.histogram().getCountAtValue(10_000)).isEqualTo(3);
        d.reset();
        assertThat(d.count()).isZero();
        assertThat(d.clampedCount()).isZero();
        assertThat(d.min()).isZero();
    }

    @Test
    void shouldShowWhyTheWrapperClamps() {
        // a bare fixed-range histogram throws on an outlier; an auto-resizing one allocates to grow
        final Histogram fixed = new Histogram(1, 1_000, 3);
        assertThatThrownBy(() -> fixed.recordValue(1_000_000)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
        final Histogram growing = new Histogram(3);
        final long before = AllocationMeter.allocatedBytes();
        growing.recordValue(Long.MAX_VALUE / 4);
        assertThat(AllocationMeter.allocatedBytes() - before).isPositive();
    }

    @Test
    void shouldRejectAnUnusableRange() {
        assertThatThrownBy(() -> new Distribution("x", "ns", 1, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Distribution("x", "ns", 100, 6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRecordWithoutAllocating() {
        final Distribution d = new Distribution("latency", "ns", 60_000_000_000L, 3);
        final RandomStream random = RandomStream.derive(1, 0, "hist");
        AllocationMeter.assertNoAllocation("Distribution.record", () -> {
            d.record(random.nextLong(100_000_000_000L) - 1_000);
            d.record(random.nextInt(1_000), 2);
        });
        assertThat(d.count()).isGreaterThan(0);
        assertThat(d.clampedCount()).isGreaterThan(0);
    }
}
