package io.pktsim.core.cpu;

import java.util.Locale;

/**
 * Utilization of a set of cores over a window of simulated time, in total and per stage: the executed
 * cycles in the window divided by the cycles the core's clock ran in it. Work charged before the window
 * and still running in it counts in it; work charged in it and still queued at its end does not.
 *
 * <p>Call {@link #begin(long)} at the window's start and {@link #end(long)} at its end, then read the
 * results; a window can be reused. Sized when made (and when a stage is registered later, on the next
 * {@link #begin(long)}); begin and end allocate nothing otherwise. One simulation thread.
 */
public final class CpuUtilization {

    private final CpuCore[] cores;
    private final CpuStages stages;
    private long startNs;
    private long endNs;
    private boolean ended;
    private int stageCount;
    private final long[] coreStart;
    private final long[] coreEnd;
    private long[][] stageStart;
    private long[][] stageEnd;

    /**
     * Creates a window over cores that share one stage registry.
     *
     * @param stages the registry
     * @param cores the cores, in report order
     */
    public CpuUtilization(final CpuStages stages, final CpuCore... cores) {
        for (final CpuCore c : cores) {
            if (c.stages() != stages) {
                throw new IllegalArgumentException("CpuUtilization: core " + c.name()
                    + " uses another stage registry");
            }
        }
        this.cores = cores.clone();
        this.stages = stages;
        this.coreStart = new long[cores.length];
        this.coreEnd = new long[cores.length];
        size();
    }

    private void size() {
        stageCount = stages.count();
        stageStart = new long[cores.length][stageCount];
        stageEnd = new long[cores.length][stageCount];
    }

    /**
     * Opens the window.
     *
     * @param nowNs its start, in nanoseconds
     */
    public void begin(final long nowNs) {
        if (stages.count() != stageCount) {
            size();
        }
        startNs = nowNs;
        ended = false;
        for (int c = 0; c < cores.length; c++) {
            coreStart[c] = cores[c].executedCycles(nowNs);
            final long[] s = stageStart[c];
            for (int st = 0; st < stageCount; st++) {
                s[st] = cores[c].executedCycles(st, nowNs);
            }
        }
    }

    /**
     * Closes the window.
     *
     * @param nowNs its end, in nanoseconds, not before its start
     */
    public void end(final long nowNs) {
        if (nowNs < startNs) {
            throw new IllegalArgumentException("CpuUtilization: window ends at " + nowNs + " ns, before its start "
                + startNs + " ns");
        }
        endNs = nowNs;
        ended = true;
        for (int c = 0; c < cores.length; c++) {
            coreEnd[c] = cores[c].executedCycles(nowNs);
            final long[] s = stageEnd[c];
            for (int st = 0; st < stageCount; st++) {
                s[st] = cores[c].executedCycles(st, nowNs);
            }
        }
    }

    /** @return the window's length, in nanoseconds */
    public long windowNs() {
        checkEnded();
        return endNs - startNs;
    }

    /** @return the number of cores */
    public int coreCount() {
        return cores.length;
    }

    /**
     * @param core the core's position in this window
     * @return the core
     */
    public CpuCore core(final int core) {
        return cores[core];
    }

    /**
     * The cycles a core's clock ran in the window.
     *
     * @param core the core's position
     * @return cycles
     */
    public long capacityCycles(final int core) {
        return CpuCore.nsToCycles(windowNs(), cores[core].clockHz());
    }

    /**
     * The cycles a core executed in the window.
     *
     * @param core the core's position
     * @return cycles
     */
    public long busyCycles(final int core) {
        checkEnded();
        return coreEnd[core] - coreStart[core];
    }

    /**
     * The cycles a core executed under a stage in the window.
     *
     * @param core the core's position
     * @param stage the stage
     * @return cycles (0 for a stage registered after {@link #begin(long)})
     */
    public long busyCycles(final int core, final int stage) {
        checkEnded();
        return stage < stageCount ? stageEnd[core][stage] - stageStart[core][stage] : 0;
    }

    /**
     * A core's utilization.
     *
     * @param core the core's position
     * @return busy cycles over capacity, from 0 to 1 (0 for an empty window)
     */
    public double utilization(final int core) {
        final long capacity = capacityCycles(core);
        return capacity == 0 ? 0.0 : Math.min(1.0, (double) busyCycles(core) / capacity);
    }

    /**
     * A core's utilization by one stage.
     *
     * @param core the core's position
     * @param stage the stage
     * @return the stage's busy cycles over the core's capacity, from 0 to 1
     */
    public double utilization(final int core, final int stage) {
        final long capacity = capacityCycles(core);
        return capacity == 0 ? 0.0 : Math.min(1.0, (double) busyCycles(core, stage) / capacity);
    }

    /**
     * The utilization of all the cores together by one stage: its busy cycles on every core over the sum
     * of their capacities.
     *
     * @param stage the stage
     * @return from 0 to 1
     */
    public double stageUtilization(final int stage) {
        long busy = 0;
        long capacity = 0;
        for (int c = 0; c < cores.length; c++) {
            busy += busyCycles(c, stage);
            capacity += capacityCycles(c);
        }
        return capacity == 0 ? 0.0 : Math.min(1.0, (double) busy / capacity);
    }

    /**
     * A report for people: one line per core with its utilization and the share of each stage that ran.
     * Allocates; off the hot path.
     *
     * @return the text
     */
    public String describe() {
        final StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cores.length; c++) {
            sb.append(cores[c].name()).append(' ').append(String.format(Locale.ROOT, "%.1f%%", 100 * utilization(c)));
            for (int st = 0; st < stageCount; st++) {
                if (busyCycles(c, st) != 0) {
                    sb.append(' ').append(stages.name(st)).append('=')
                        .append(String.format(Locale.ROOT, "%.1f%%", 100 * utilization(c, st)));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private void checkEnded() {
        if (!ended) {
            throw new IllegalStateException("CpuUtilization: the window was not ended");
        }
    }
}
