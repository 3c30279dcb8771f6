package io.pktsim.core.cpu;

import java.util.Arrays;

/**
 * One CPU core (a hardware thread) with a fixed clock, charged with work in cycles.
 *
 * <p>The core runs work in the order it is charged. A charge of {@code c} cycles at time {@code t} starts at
 * {@code max(t, busyUntil)} and lasts {@code c / clockHz} seconds; {@link #charge(long, int, long)} returns
 * the time it completes, rounded up to a whole nanosecond, so that an event scheduled then sees the work
 * done. Internally the busy-until time is exact: whole nanoseconds plus a remainder in units of
 * {@code 1/clockHz} ns, with no {@code double} and no drift however many charges are made.
 *
 * <p>Accounting: the cycles charged under each stage, and the cycles <em>executed</em> by a time (charged
 * minus the backlog still queued at that time), per core and per stage, from which {@link CpuUtilization}
 * computes utilization over a window. The stage of queued work is exact: the core keeps its pending charges
 * in a FIFO that it trims as time passes.
 *
 * <p>Nothing allocates once the per-stage arrays cover every registered stage and the FIFO has reached the
 * deepest backlog of the model (it starts at 64 charges and doubles on the rare path). One simulation
 * thread. Contexts and preemption are not modelled yet (see the package documentation).
 */
public final class CpuCore {

    /** The highest clock accepted, in Hz: keeps the exact arithmetic within 64 bits. */
    public static final long MAX_CLOCK_HZ = 9_000_000_000L;

    private static final long NS_PER_SECOND = 1_000_000_000L;

    private final int id;
    private final String name;
    private final long clockHz;
    private final CpuStages stages;

    /** Busy until busyNs + busyFraction / clockHz nanoseconds. */
    private long busyNs;
    private long busyFraction;
    private long lastChargeNs;
    private long chargedCycles;
    private long chargeCount;
    private long[] stageCycles;

    /** Pending charges, oldest first: a ring of (stage, cycles). */
    private int[] pendingStage;
    private long[] pendingCycles;
    private int pendingHead;
    private int pendingCount;
    private long pendingTotalCycles;

    /**
     * Creates an idle core.
     *
     * @param id the core's index (as the kernel's CPU number)
     * @param name a name for reports, e.g. {@code "cpu0"}
     * @param clockHz the clock, in Hz, from 1 to {@link #MAX_CLOCK_HZ}
     * @param stages the stage registry shared by the simulation's cores
     */
    public CpuCore(final int id, final String name, final long clockHz, final CpuStages stages) {
        if (clockHz <= 0 || clockHz > MAX_CLOCK_HZ) {
            throw new IllegalArgumentException("CpuCore " + name + ": clock " + clockHz + " Hz is outside 1.."
                + MAX_CLOCK_HZ + " Hz");
        }
        this.id = id;
        this.name = name;
        this.clockHz = clockHz;
        this.stages = stages;
        this.stageCycles = new long[Math.max(16, stages.count())];
        this.pendingStage = new int[64];
        this.pendingCycles = new long[64];
    }

    /** @return the core's index */
    public int id() {
        return id;
    }

    /** @return the core's name */
    public String name() {
        return name;
    }

    /** @return the clock, in Hz */
    public long clockHz() {
        return clockHz;
    }

    /** @return the stage registry */
    public CpuStages stages() {
        return stages;
    }

    /**
     * Charges work to the core.
     *
     * @param nowNs the simulated time the work is submitted, in nanoseconds; not before the previous charge
     * @param stage the stage the cycles count under, from {@link CpuStages#register(String)}
     * @param cycles the work, in cycles, at least 0
     * @return the time the work completes, in nanoseconds (rounded up)
     * @throws IllegalArgumentException on negative cycles, an unknown stage or time going backwards
     *     (broken invariants of the caller)
     */
    public long charge(final long nowNs, final int stage, final long cycles) {
        if (cycles < 0 || nowNs < lastChargeNs || stage < 0 || stage >= stages.count()) {
            throw badCharge(nowNs, stage, cycles);
        }
        if (stage >= stageCycles.length) {
            growStages();
        }
        lastChargeNs = nowNs;
        if (nowNs > busyNs || (nowNs == busyNs && busyFraction == 0)) {
            busyNs = nowNs;
            busyFraction = 0;
            pendingHead = 0;
            pendingCount = 0;
            pendingTotalCycles = 0;
        } else {
            trimPending(backlogCycles(nowNs));
        }
        final long clock = clockHz;
        final long whole = cycles / clock;
        final long rest = cycles - whole * clock;
        final long num = rest * NS_PER_SECOND + busyFraction;
        busyNs = Math.addExact(busyNs, Math.addExact(Math.multiplyExact(whole, NS_PER_SECOND), num / clock));
        busyFraction = num % clock;
        chargedCycles += cycles;
        chargeCount++;
        stageCycles[stage] += cycles;
        pushPending(stage, cycles);
        return busyNs + (busyFraction == 0 ? 0 : 1);
    }

    /**
     * The time the core's charged work is done.
     *
     * @return nanoseconds, rounded up; at most the current time if the core is idle
     */
    public long busyUntilNs() {
        return busyNs + (busyFraction == 0 ? 0 : 1);
    }

    /**
     * Whether work is still running or queued at a time.
     *
     * @param atNs the time, in nanoseconds
     * @return true if the core's work ends after atNs
     */
    public boolean isBusy(final long atNs) {
        return busyNs > atNs || (busyNs == atNs && busyFraction != 0);
    }

    /**
     * The cycles charged but not yet executed at a time.
     *
     * @param atNs the time, in nanoseconds, not before the last charge
     * @return cycles (rounded down)
     */
    public long backlogCycles(final long atNs) {
        if (!isBusy(atNs)) {
            return 0;
        }
        // (busyNs - atNs + busyFraction / clock) ns * clock / 1e9, split to stay within 64 bits
        final long d = busyNs - atNs;
        final long seconds = d / NS_PER_SECOND;
        final long ns = d - seconds * NS_PER_SECOND;
        return seconds * clockHz + (ns * clockHz + busyFraction) / NS_PER_SECOND;
    }

    /** @return every cycle ever charged to the core */
    public long chargedCycles() {
        return chargedCycles;
    }

    /**
     * The cycles charged under a stage.
     *
     * @param stage the stage
     * @return cycles
     */
    public long chargedCycles(final int stage) {
        return stage < stageCycles.length ? stageCycles[stage] : 0;
    }

    /** @return the number of charges made */
    public long chargeCount() {
        return chargeCount;
    }

    /**
     * The cycles executed by a time: charged minus the backlog then.
     *
     * @param atNs the time, in nanoseconds, not before the last charge
     * @return cycles
     */
    public long executedCycles(final long atNs) {
        return chargedCycles - Math.min(chargedCycles, backlogCycles(atNs));
    }

    /**
     * The cycles of a stage executed by a time. The backlog at that time is the newest pending work, so
     * the stage's share of it is found by walking the pending charges from the newest.
     *
     * @param stage the stage
     * @param atNs the time, in nanoseconds, not before the last charge
     * @return cycles
     */
    public long executedCycles(final int stage, final long atNs) {
        if (stage >= stageCycles.length) {
            return 0;
        }
        long remaining = Math.min(backlogCycles(atNs), pendingTotalCycles);
        long pendingOfStage = 0;
        final int mask = pendingStage.length - 1;
        for (int i = pendingCount - 1; i >= 0 && remaining > 0; i--) {
            final int at = (pendingHead + i) & mask;
            final long take = Math.min(remaining, pendingCycles[at]);
            if (pendingStage[at] == stage) {
                pendingOfStage += take;
            }
            remaining -= take;
        }
        return stageCycles[stage] - pendingOfStage;
    }

    /**
     * Converts cycles at a clock to nanoseconds, rounded up.
     *
     * @param cycles the cycles
     * @param clockHz the clock, in Hz
     * @return nanoseconds
     */
    public static long cyclesToNs(final long cycles, final long clockHz) {
        final long whole = cycles / clockHz;
        final long rest = cycles - whole * clockHz;
        final long num = rest * NS_PER_SECOND;
        return whole * NS_PER_SECOND + num / clockHz + (num % clockHz == 0 ? 0 : 1);
    }

    /**
     * The cycles a clock runs in a duration, rounded down.
     *
     * @param durationNs the duration, in nanoseconds
     * @param clockHz the clock, in Hz
     * @return cycles
     */
    public static long nsToCycles(final long durationNs, final long clockHz) {
        final long seconds = durationNs / NS_PER_SECOND;
        final long ns = durationNs - seconds * NS_PER_SECOND;
        return seconds * clockHz + ns * clockHz / NS_PER_SECOND;
    }

    /** Drops the oldest pending charges that are fully executed, keeping at least {@code backlog} cycles. */
    private void trimPending(final long backlog) {
        final int mask = pendingStage.length - 1;
        while (pendingCount > 0 && pendingTotalCycles - pendingCycles[pendingHead] >= backlog) {
            pendingTotalCycles -= pendingCycles[pendingHead];
            pendingHead = (pendingHead + 1) & mask;
            pendingCount--;
        }
    }

    private void pushPending(final int stage, final long cycles) {
        if (pendingCount == pendingStage.length) {
            growPending();
        }
        final int at = (pendingHead + pendingCount) & (pendingStage.length - 1);
        pendingStage[at] = stage;
        pendingCycles[at] = cycles;
        pendingCount++;
        pendingTotalCycles += cycles;
    }

    private void growPending() {
        final int n = pendingStage.length;
        final int[] st = new int[n * 2];
        final long[] cy = new long[n * 2];
        for (int i = 0; i < pendingCount; i++) {
            final int at = (pendingHead + i) & (n - 1);
            st[i] = pendingStage[at];
            cy[i] = pendingCycles[at];
        }
        pendingStage = st;
        pendingCycles = cy;
        pendingHead = 0;
    }

    private void growStages() {
        stageCycles = Arrays.copyOf(stageCycles, Math.max(stageCycles.length * 2, stages.count()));
    }

    private IllegalArgumentException badCharge(final long nowNs, final int stage, final long cycles) {
        return new IllegalArgumentException("CpuCore " + name + " at " + nowNs + " ns: cannot charge " + cycles
            + " cycles under stage " + stage + " (" + stages.count() + " stages registered, last charge at "
            + lastChargeNs + " ns)");
    }

    @Override
    public String toString() {
        return "CpuCore[" + name + ", " + clockHz + " Hz, busy until " + busyUntilNs() + " ns]";
    }
}
