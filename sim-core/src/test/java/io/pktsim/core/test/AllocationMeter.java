package io.pktsim.core.test;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes the current thread allocates around a piece of work, after warming it up, so that
 * zero-allocation claims are tested rather than assumed (STYLE.md).
 */
public final class AllocationMeter {

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private AllocationMeter() {
    }

    /** @return the bytes allocated so far by the current thread */
    public static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs the work {@code warmup} times, then {@code measured} times, and returns the bytes allocated by the
     * measured runs (0 for an allocation-free path).
     *
     * @param warmup warm-up iterations (enough for the JIT: 20,000 or more)
     * @param measured measured iterations
     * @param work the work
     * @return bytes allocated during the measured iterations
     */
    public static long bytesAllocatedBy(final int warmup, final int measured, final Runnable work) {
        for (int i = 0; i < warmup; i++) {
            work.run();
        }
        allocatedBytes();
        allocatedBytes();
        final long before = allocatedBytes();
        for (int i = 0; i < measured; i++) {
            work.run();
        }
        final long after = allocatedBytes();
        return after - before;
    }
}
