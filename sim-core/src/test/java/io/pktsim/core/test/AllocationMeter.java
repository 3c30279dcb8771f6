package io.pktsim.core.test;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes the current thread allocates around a piece of work, for zero-allocation tests
 * (STYLE.md: "zero allocation is tested, not assumed").
 *
 * <p>It reads {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()} before and after
 * running the work {@code iterations} times, after running it {@code warmUp} times so that the JIT has
 * compiled (and escape-analysed) the path and lazily grown arrays have reached their working size. The
 * reading itself allocates nothing once warmed (checked by {@link #overheadBytes()}), so a result of 0 means
 * the work allocated nothing on this thread. Allocation on other threads is not seen.
 *
 * <p>Typical use in a test of another module (depend on {@code sim-core}'s test-jar):
 * {@code AllocationMeter.assertNoAllocation("schedule+dispatch", () -> loop.step());}
 */
public final class AllocationMeter {

    /** Warm-up iterations used by the short forms. */
    public static final int DEFAULT_WARM_UP = 20_000;
    /** Measured iterations used by the short forms. */
    public static final int DEFAULT_ITERATIONS = 10_000;

    private static final com.sun.management.ThreadMXBean THREADS = threadBean();

    private AllocationMeter() {
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        if (!(bean instanceof com.sun.management.ThreadMXBean)) {
            throw new IllegalStateException("AllocationMeter: this JVM has no com.sun.management.ThreadMXBean");
        }
        final com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) bean;
        if (!sun.isThreadAllocatedMemorySupported()) {
            throw new IllegalStateException("AllocationMeter: thread allocated memory is not supported");
        }
        if (!sun.isThreadAllocatedMemoryEnabled()) {
            sun.setThreadAllocatedMemoryEnabled(true);
        }
        return sun;
    }

    /**
     * The bytes the current thread has allocated since it started.
     *
     * @return allocated bytes
     */
    public static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Runs {@code work} {@code warmUp} times, then measures {@code iterations} runs.
     *
     * @param warmUp runs before measuring (JIT warm-up, working sizes reached)
     * @param iterations runs measured
     * @param work the work; it should not allocate itself (no capturing of changing state is needed:
     *     a lambda made once outside is fine)
     * @return bytes allocated by the current thread during the measured runs
     */
    public static long measure(final int warmUp, final int iterations, final Runnable work) {
        for (int i = 0; i < warmUp; i++) {
            work.run();
        }
        // Prime the measurement path itself.
        allocatedBytes();
        allocatedBytes();
        final long before = allocatedBytes();
        for (int i = 0; i < iterations; i++) {
            work.run();
        }
        final long after = allocatedBytes();
        return after - before;
    }

    /**
     * Measures with {@link #DEFAULT_WARM_UP} warm-up and {@link #DEFAULT_ITERATIONS} measured runs.
     *
     * @param work the work
     * @return bytes allocated during the measured runs
     */
    public static long measure(final Runnable work) {
        return measure(DEFAULT_WARM_UP, DEFAULT_ITERATIONS, work);
    }

    /** Measurement windows {@link #assertNoAllocation} tries before it fails. */
    public static final int ATTEMPTS = 8;

    /**
     * Fails (with an {@link AssertionError} naming {@code what} and the bytes of every window) unless one window
     * of measured runs allocated nothing. Tries up to {@link #ATTEMPTS} windows, each after a further quarter of
     * the warm-up, because a JIT deoptimisation or a late compilation (late when the machine is loaded and the
     * compiler threads are starved) can allocate on this thread in the window; a real per-call allocation of at
     * least 16 bytes shows up in every window, as at least 16 x {@code iterations} bytes.
     *
     * @param what names the work in the failure message
     * @param warmUp runs before measuring
     * @param iterations runs measured
     * @param work the work
     */
    public static void assertNoAllocation(final String what, final int warmUp, final int iterations,
        final Runnable work) {
        final long[] seen = new long[ATTEMPTS];
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            final long bytes = measure(attempt == 0 ? warmUp : warmUp / 4, iterations, work);
            if (bytes == 0) {
                return;
            }
            seen[attempt] = bytes;
        }
        throw new AssertionError(what + ": allocated " + java.util.Arrays.toString(seen) + " bytes in "
            + ATTEMPTS + " windows of " + iterations + " iterations after " + warmUp
            + " warm-up iterations (expected 0 in at least one)");
    }

    /**
     * {@link #assertNoAllocation(String, int, int, Runnable)} with the default counts.
     *
     * @param what names the work in the failure message
     * @param work the work
     */
    public static void assertNoAllocation(final String what, final Runnable work) {
        assertNoAllocation(what, DEFAULT_WARM_UP, DEFAULT_ITERATIONS, work);
    }

    /**
     * The bytes one empty measurement allocates (0 on HotSpot once warmed); for checking the meter.
     *
     * @return bytes
     */
    public static long overheadBytes() {
        final Runnable nothing = AllocationMeter::nothing;
        return measure(1000, 1000, nothing);
    }

    private static void nothing() {
        // intentionally empty
    }
}
