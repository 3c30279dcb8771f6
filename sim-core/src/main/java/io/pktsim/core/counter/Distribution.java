package io.pktsim.core.counter;

import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * A named distribution (latency, batch size, occupancy) recorded on an HdrHistogram {@link Histogram}
 * with a fixed range, so that recording never allocates.
 *
 * <p>HdrHistogram allocates only when it resizes: a histogram made with auto-resize grows its counts array
 * when a value beyond its range is recorded, and one without throws. This wrapper fixes the range when it
 * is made and clamps what lies outside it instead, counting each clamped value in {@link #clampedCount()}
 * (a value below 0 records as 0, one above the highest trackable value as that value), so a model never
 * allocates or throws on an outlier. Use one instance per distribution per component, made while the model
 * is built; read it (percentiles, {@link #histogram()}) off the hot path. One simulation thread.
 */
public final class Distribution {

    private final String name;
    private final String unit;
    private final long highestTrackableValue;
    private final Histogram histogram;
    private long clampedCount;

    /**
     * Creates an empty distribution.
     *
     * @param name the name in reports, in snake_case (e.g. {@code napi_poll_batch})
     * @param unit the unit of the values (e.g. {@code "ns"}, {@code "packets"}, {@code "bytes"})
     * @param highestTrackableValue the largest value recorded as is; larger values are clamped to it
     * @param significantDigits the precision, 0 to 5 decimal digits (3 keeps 0.1% relative error)
     */
    public Distribution(final String name, final String unit, final long highestTrackableValue,
        final int significantDigits) {
        if (highestTrackableValue < 2 || significantDigits < 0 || significantDigits > 5) {
            throw new IllegalArgumentException("Distribution " + name + ": highest trackable value "
                + highestTrackableValue + " must be at least 2 and significant digits " + significantDigits
                + " within 0..5");
        }
        this.name = name;
        this.unit = unit;
        this.highestTrackableValue = highestTrackableValue;
        this.histogram = new Histogram(1, highestTrackableValue, significantDigits);
        this.histogram.setAutoResize(false);
    }

    /** @return the name */
    public String name() {
        return name;
    }

    /** @return the unit of the values */
    public String unit() {
        return unit;
    }

    /** @return the largest value recorded without clamping */
    public long highestTrackableValue() {
        return highestTrackableValue;
    }

    /**
     * Records one value. Allocates nothing.
     *
     * @param value the value, in {@link #unit()}; clamped to [0, highest trackable value]
     */
    public void record(final long value) {
        if (value < 0 || value > highestTrackableValue) {
            recordClamped(value, 1);
            return;
        }
        histogram.recordValue(value);
    }

    /**
     * Records a value several times. Allocates nothing.
     *
     * @param value the value, clamped to [0, highest trackable value]
     * @param count how many times, at least 0
     */
    public void record(final long value, final long count) {
        if (value < 0 || value > highestTrackableValue) {
            recordClamped(value, count);
            return;
        }
        histogram.recordValueWithCount(value, count);
    }

    private void recordClamped(final long value, final long count) {
        clampedCount += count;
        histogram.recordValueWithCount(value < 0 ? 0 : highestTrackableValue, count);
    }

    /** @return the number of values recorded */
    public long count() {
        return histogram.getTotalCount();
    }

    /** @return the number of values that lay outside [0, highest trackable value] and were clamped */
    public long clampedCount() {
        return clampedCount;
    }

    /**
     * A percentile, within the histogram's precision.
     *
     * @param percentile from 0 to 100
     * @return the value at that percentile, 0 when empty
     */
    public long valueAtPercentile(final double percentile) {
        return histogram.getValueAtPercentile(percentile);
    }

    /** @return the smallest value recorded (0 when empty) */
    public long min() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMinValue();
    }

    /** @return the largest value recorded (0 when empty) */
    public long max() {
        return histogram.getMaxValue();
    }

    /** @return the mean of the values recorded */
    public double mean() {
        return histogram.getMean();
    }

    /**
     * The underlying histogram, for reports and merging ({@link Histogram#add}). Do not record into it
     * directly: values outside the range would throw.
     *
     * @return the histogram
     */
    public Histogram histogram() {
        return histogram;
    }

    /** Empties the distribution. */
    public void reset() {
        histogram.reset();
        clampedCount = 0;
    }

    /**
     * A one-line summary for people: count, min, p50, p99, p99.9, max. Allocates; off the hot path.
     *
     * @return the text
     */
    public String describe() {
        return String.format(Locale.ROOT, "%s [%s]: count=%d min=%d p50=%d p99=%d p99.9=%d max=%d clamped=%d",
            name, unit, count(), min(), valueAtPercentile(50), valueAtPercentile(99), valueAtPercentile(99.9),
            max(), clampedCount);
    }
}
