package io.pktsim.core.counter;

/**
 * Implemented by the enums that name a component's counters: each constant documents what it counts.
 */
public interface CounterDescriptor {

    /** @return a short name for reports, in snake_case (e.g. {@code time_squeeze}) */
    String label();

    /** @return one sentence saying what moves this counter */
    String description();
}
