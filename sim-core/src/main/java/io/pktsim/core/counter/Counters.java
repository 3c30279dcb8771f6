package io.pktsim.core.counter;

import java.util.EnumMap;
import java.util.Map;

/**
 * A set of {@code long} counters indexed by an enum of {@link CounterDescriptor}s. Increments are array
 * writes; nothing allocates after construction.
 *
 * @param <E> the enum naming the counters
 */
public final class Counters<E extends Enum<E> & CounterDescriptor> {

    private final E[] names;
    private final long[] values;

    /**
     * Creates a zeroed set.
     *
     * @param type the enum class
     */
    public Counters(final Class<E> type) {
        this.names = type.getEnumConstants();
        this.values = new long[names.length];
    }

    /**
     * Adds one.
     *
     * @param counter the counter
     */
    public void increment(final E counter) {
        values[counter.ordinal()]++;
    }

    /**
     * Adds a delta.
     *
     * @param counter the counter
     * @param delta the amount
     */
    public void add(final E counter, final long delta) {
        values[counter.ordinal()] += delta;
    }

    /**
     * Sets a value (for gauges such as a high-water mark).
     *
     * @param counter the counter
     * @param value the value
     */
    public void set(final E counter, final long value) {
        values[counter.ordinal()] = value;
    }

    /**
     * Raises a high-water mark.
     *
     * @param counter the counter
     * @param value a candidate maximum
     */
    public void max(final E counter, final long value) {
        final int i = counter.ordinal();
        if (value > values[i]) {
            values[i] = value;
        }
    }

    /**
     * Reads a counter.
     *
     * @param counter the counter
     * @return its value
     */
    public long get(final E counter) {
        return values[counter.ordinal()];
    }

    /** Sets every counter to zero. */
    public void reset() {
        java.util.Arrays.fill(values, 0);
    }

    /**
     * Adds every counter of another set of the same enum into this one.
     *
     * @param other the other set
     */
    public void addAll(final Counters<E> other) {
        for (int i = 0; i < values.length; i++) {
            values[i] += other.values[i];
        }
    }

    /** @return the counter names in declaration order */
    public E[] names() {
        return names.clone();
    }

    /**
     * A snapshot for reports (allocates; off the hot path).
     *
     * @return counter to value, in declaration order
     */
    public Map<E, Long> snapshot() {
        final Map<E, Long> m = new EnumMap<>(names[0].getDeclaringClass());
        for (final E e : names) {
            m.put(e, values[e.ordinal()]);
        }
        return m;
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder();
        for (final E e : names) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.label()).append('=').append(values[e.ordinal()]);
        }
        return sb.toString();
    }
}
