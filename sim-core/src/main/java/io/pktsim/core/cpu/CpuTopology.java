package io.pktsim.core.cpu;

import java.util.Locale;

import io.pktsim.core.event.EventLoop;

/**
 * The hardware threads of one machine: {@code cores x threadsPerCore} {@link HardwareThread}s numbered as the
 * kernel numbers logical CPUs (core 0's threads first), the threads of a core paired as SMT siblings, and the
 * utilization figures people quote: per hardware thread, per core (the mean of its threads) and the mean over
 * all threads that OpenWrt's LuCI and {@code top} show (one saturated VPE of an MT7621's four reads 25 %).
 */
public final class CpuTopology {

    private final CpuStages stages;
    private final HardwareThread[] threads;
    private final CpuCore[] accounting;
    private final int cores;
    private final int threadsPerCore;

    /**
     * Builds the threads.
     *
     * @param loop the event loop
     * @param stages the stage registry
     * @param cores physical cores, at least 1
     * @param threadsPerCore hardware threads per core, 1 or 2
     * @param clockHz the clock, in Hz
     * @param hz the kernel's HZ
     * @param smtThroughputPermille a core's throughput with both threads busy relative to one, in permille
     *     (1000..2000; ignored with one thread per core)
     */
    public CpuTopology(final EventLoop loop, final CpuStages stages, final int cores, final int threadsPerCore,
        final long clockHz, final int hz, final int smtThroughputPermille) {
        if (cores < 1 || threadsPerCore < 1 || threadsPerCore > 2) {
            throw new IllegalArgumentException("CpuTopology: " + cores + " cores x " + threadsPerCore
                + " threads; need at least 1 core and 1 or 2 threads per core");
        }
        this.stages = stages;
        this.cores = cores;
        this.threadsPerCore = threadsPerCore;
        final int n = cores * threadsPerCore;
        this.threads = new HardwareThread[n];
        this.accounting = new CpuCore[n];
        for (int i = 0; i < n; i++) {
            accounting[i] = new CpuCore(i, "cpu" + i, clockHz, stages);
            threads[i] = new HardwareThread(accounting[i], loop, hz);
        }
        if (threadsPerCore == 2) {
            for (int c = 0; c < cores; c++) {
                threads[2 * c].sibling(threads[2 * c + 1], smtThroughputPermille);
            }
        }
    }

    /** @return the number of hardware threads (logical CPUs) */
    public int threadCount() {
        return threads.length;
    }

    /** @return the number of physical cores */
    public int coreCount() {
        return cores;
    }

    /** @return hardware threads per core */
    public int threadsPerCore() {
        return threadsPerCore;
    }

    /**
     * @param cpu a logical CPU number
     * @return its hardware thread
     */
    public HardwareThread thread(final int cpu) {
        return threads[cpu];
    }

    /**
     * @param cpu a logical CPU number
     * @return the physical core it belongs to
     */
    public int coreOf(final int cpu) {
        return cpu / threadsPerCore;
    }

    /** @return the stage registry */
    public CpuStages stages() {
        return stages;
    }

    /** @return a utilization window over every hardware thread, in CPU-number order */
    public CpuUtilization utilization() {
        return new CpuUtilization(stages, accounting);
    }

    /**
     * A physical core's utilization: the mean of its threads'.
     *
     * @param window an ended window from {@link #utilization()}
     * @param core the core
     * @return from 0 to 1
     */
    public double coreUtilization(final CpuUtilization window, final int core) {
        double sum = 0;
        for (int t = 0; t < threadsPerCore; t++) {
            sum += window.utilization(core * threadsPerCore + t);
        }
        return sum / threadsPerCore;
    }

    /**
     * The mean utilization over all hardware threads: what LuCI and {@code top} show as "CPU".
     *
     * @param window an ended window from {@link #utilization()}
     * @return from 0 to 1
     */
    public double averageUtilization(final CpuUtilization window) {
        double sum = 0;
        for (int i = 0; i < threads.length; i++) {
            sum += window.utilization(i);
        }
        return sum / threads.length;
    }

    /**
     * The mean utilization over all hardware threads by one stage.
     *
     * @param window an ended window from {@link #utilization()}
     * @param stage the stage
     * @return from 0 to 1
     */
    public double averageUtilization(final CpuUtilization window, final int stage) {
        return window.stageUtilization(stage);
    }

    /**
     * A report for people: per thread (with its stages), per core, and the all-threads mean. Allocates.
     *
     * @param window an ended window
     * @return the text
     */
    public String describe(final CpuUtilization window) {
        final StringBuilder sb = new StringBuilder(window.describe());
        for (int c = 0; c < cores; c++) {
            sb.append("core").append(c).append(' ')
                .append(String.format(Locale.ROOT, "%.1f%%", 100 * coreUtilization(window, c))).append('\n');
        }
        sb.append("all ").append(String.format(Locale.ROOT, "%.1f%%", 100 * averageUtilization(window)))
            .append('\n');
        return sb.toString();
    }
}
