package io.pktsim.lb.router;

import io.pktsim.stack.profile.CostStage;

/**
 * The router's hardware threads as analytic work servers: work handed to a thread at {@code t} starts when the
 * thread is free and takes its cycles at the clock rate, slowed when the core's sibling thread is busy too (SMT:
 * both threads together deliver {@code smtThroughputPermille} of one thread). Busy time is kept per thread and per
 * context (hard IRQ, softirq, kernel thread), cycles per {@link CostStage}, both over the measurement window.
 * The window is known before the work is ({@link #window}): each piece of work counts, in its own context, the part
 * of it that lies inside the window, so a thread's contexts add up to its busy time even when work was booked
 * before the window opened or runs past its end. Allocation-free.
 */
final class CpuSet {
    static final int CTX_HARDIRQ = 0;
    static final int CTX_SOFTIRQ = 1;
    static final int CTX_THREAD = 2;
    private static final long NS_PER_S = 1_000_000_000L;
    private static final int NS_CACHE = 16;

    private final int cpus;
    private final int threadsPerCore;
    private final long clockHz;
    private final int smtPermille;
    /**
     * Per thread, {@value #STRIDE} longs side by side: its busy ns in each context over the window
     * ({@code [cpu * STRIDE + context]}), then when it is next free ({@code [cpu * STRIDE + FREE_AT]}, ns).
     */
    private final long[] threads;
    private static final int STRIDE = 4;
    private static final int FREE_AT = 3;
    private final long[] stageCycles = new long[CostStage.values().length];
    /** Per thread, the ns of its softirq work that its {@code ksoftirqd} ran, over the window ({@link #ksoftirqd}). */
    private final long[] ksoftirqdNs;
    /** The measurement window, {@code [windowStartNs, windowEndNs)}; all time until {@link #window} sets it. */
    private long windowStartNs;
    private long windowEndNs = Long.MAX_VALUE;
    /**
     * {@link #exec}'s conversions from cycles to ns, direct-mapped by the cycles' low bits: a run's work items
     * come in a handful of sizes (a poll, a packet's RX half, a forwarded data segment, an ACK, ...), so the
     * conversion is rare.
     */
    private final long[] nsCycles = new long[NS_CACHE];
    private final long[] nsValue = new long[NS_CACHE];
    /** Per {@link #nsCycles} entry, its ns slowed by SMT ({@link #smtNs} of {@link #nsValue}). */
    private final long[] nsSmtValue = new long[NS_CACHE];
    /**
     * The conversion, {@code ceil(cycles * 1e9 / clockHz)}, as {@code floor((cycles * nsNum + nsDen - 1) / nsDen)}
     * with the fraction reduced and the division a multiply ({@link #divide}) for cycles up to {@link #nsCyclesMax}
     * (where the division's product does not overflow either); beyond, the division itself.
     */
    private final long nsNum;
    private final long nsDen;
    private final long nsRecip;
    private final long nsCyclesMax;
    /** The SMT slow-down, {@code ns * 2000 / smtPermille}, the same way: up to {@link #smtNsMax} ns. */
    private final long smtNum;
    private final long smtRecip;
    private final long smtNsMax;

    CpuSet(final int cores, final int threadsPerCore, final long clockHz, final int smtPermille) {
        this.cpus = cores * threadsPerCore;
        this.ksoftirqdNs = new long[cores * threadsPerCore];
        this.threadsPerCore = threadsPerCore;
        this.clockHz = clockHz;
        this.smtPermille = smtPermille;
        this.threads = new long[cpus * STRIDE];
        java.util.Arrays.fill(nsCycles, -1L);
        final long gNs = clockHz > 0 ? gcd(NS_PER_S, clockHz) : 1;
        this.nsNum = NS_PER_S / gNs;
        this.nsDen = clockHz / gNs;
        this.nsRecip = recip(nsDen);
        // exact below 2^62 / nsDen, and used only where the division's cycles * 1e9 + clockHz - 1 does not overflow
        this.nsCyclesMax = nsDen > 0
            ? Math.min((dividendMax(nsDen) - (nsDen - 1)) / nsNum, (Long.MAX_VALUE - (clockHz - 1)) / NS_PER_S) : -1;
        final long gSmt = smtPermille > 0 ? gcd(2000L, smtPermille) : 1;
        this.smtNum = 2000L / gSmt;
        final long smtDen = smtPermille / gSmt;
        this.smtRecip = recip(smtDen);
        this.smtNsMax = smtDen > 0 ? Math.min(dividendMax(smtDen) / smtNum, Long.MAX_VALUE / 2000L) : -1;
    }

    private static long gcd(final long a, final long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            final long r = x % y;
            x = y;
            y = r;
        }
        return x;
    }

    /** {@code ceil(2^62 / d)}, the multiplier of {@link #divide} (0 for a divisor below 1, never used). */
    private static long recip(final long d) {
        return d > 0 ? ((1L << 62) + d - 1) / d : 0;
    }

    /** The largest dividend {@link #divide} is exact for: below {@code 2^62 / d}. */
    private static long dividendMax(final long d) {
        return (1L << 62) / d - 1;
    }

    /**
     * {@code floor(x / d)} for {@code 0 <= x < 2^62 / d}, with {@code recip = ceil(2^62 / d)}: the product
     * {@code x * recip / 2^62} is {@code x / d} plus less than {@code x / 2^62 < 1 / d}, which never reaches the
     * next integer (x's remainder is at most {@code d - 1}).
     */
    static long divide(final long x, final long recip) {
        return (Math.multiplyHigh(x, recip) << 2) | ((x * recip) >>> 62);
    }

    int cpus() {
        return cpus;
    }

    int coreOf(final int cpu) {
        return cpu / threadsPerCore;
    }

    /** Counts cycles against a stage (the thread they run on is given to {@link #exec}). */
    void stage(final CostStage stage, final long cycles) {
        stageCycles[stage.ordinal()] += cycles;
    }

    /**
     * Runs work on a thread.
     *
     * @param cpu     the hardware thread
     * @param atNs    when the work becomes runnable, ns
     * @param cycles  its cycles
     * @param context {@link #CTX_HARDIRQ}, {@link #CTX_SOFTIRQ} or {@link #CTX_THREAD}
     * @return when it completes, ns
     */
    long exec(final int cpu, final long atNs, final long cycles, final int context) {
        final long[] t = threads;
        final int at = cpu * STRIDE;
        final long start = Math.max(atNs, t[at + FREE_AT]);
        final int i = (int) (cycles ^ (cycles >>> 4)) & (NS_CACHE - 1);
        if (nsCycles[i] != cycles) {
            final long ns = cycles >= 0 && cycles <= nsCyclesMax
                ? divide(cycles * nsNum + nsDen - 1, nsRecip)
                : (cycles * NS_PER_S + clockHz - 1) / clockHz;
            nsCycles[i] = cycles;
            nsValue[i] = ns;
            if (smtPermille > 0) {
                nsSmtValue[i] = smtNs(ns);
            }
        }
        // both conversions of the cycles from the cache: the SMT one when the core's other thread is busy (without
        // an SMT rate, the conversion itself, which fails as it always did)
        final long ns = threadsPerCore > 1 && siblingBusy(cpu, start)
            ? (smtPermille > 0 ? nsSmtValue[i] : smtNs(nsValue[i])) : nsValue[i];
        final long end = start + ns;
        t[at + FREE_AT] = end;
        if (end > windowStartNs && start < windowEndNs) {
            t[at + context] += Math.min(end, windowEndNs) - Math.max(start, windowStartNs);
        }
        return end;
    }

    /** The SMT slow-down of {@code ns}: {@code ns * 2000 / smtPermille}. */
    private long smtNs(final long ns) {
        return ns >= 0 && ns <= smtNsMax ? divide(ns * smtNum, smtRecip) : ns * 2000L / smtPermille;
    }

    /** Whether another thread of the core is busy at {@code atNs} (two threads per core: {@code cpu ^ 1}). */
    private boolean siblingBusy(final int cpu, final long atNs) {
        if (threadsPerCore == 2) {
            return threads[(cpu ^ 1) * STRIDE + FREE_AT] > atNs;
        }
        final int base = cpu - cpu % threadsPerCore;
        for (int s = base; s < base + threadsPerCore; s++) {
            if (s != cpu && threads[s * STRIDE + FREE_AT] > atNs) {
                return true;
            }
        }
        return false;
    }

    long freeAtNs(final int cpu) {
        return threads[cpu * STRIDE + FREE_AT];
    }

    /**
     * Sets the measurement window before any work is booked: busy time counts only inside
     * {@code [startNs, endNs)}, whenever the work was handed over.
     *
     * @param startNs the window's start (the warm-up's end), ns
     * @param endNs   the window's end (the run's end), ns
     */
    void window(final long startNs, final long endNs) {
        if (startNs > endNs) {
            throw new IllegalArgumentException("window " + startNs + " > " + endNs);
        }
        windowStartNs = startNs;
        windowEndNs = endNs;
    }

    /** At the window's start: the stage cycles booked before it are dropped (busy time is clipped as it is booked). */
    void resetStages() {
        java.util.Arrays.fill(stageCycles, 0L);
    }

    /** @return busy fraction of a thread in one context over the window (its end is {@link #window}'s) */
    double busy(final int cpu, final int context) {
        final long span = windowEndNs - windowStartNs;
        final long b = threads[cpu * STRIDE + context];
        return span <= 0 ? 0.0 : b / (double) span;
    }

    /**
     * Marks work of thread {@code cpu} from {@code startNs} to {@code endNs}, booked in {@link #CTX_SOFTIRQ}, as run
     * by its {@code ksoftirqd}: the part inside the window counts.
     */
    void ksoftirqd(final int cpu, final long startNs, final long endNs) {
        if (endNs > windowStartNs && startNs < windowEndNs) {
            ksoftirqdNs[cpu] += Math.min(endNs, windowEndNs) - Math.max(startNs, windowStartNs);
        }
    }

    /** @return the fraction of the window that thread {@code cpu}'s {@code ksoftirqd} ran softirq work */
    double ksoftirqdBusy(final int cpu) {
        final long span = windowEndNs - windowStartNs;
        return span <= 0 ? 0.0 : ksoftirqdNs[cpu] / (double) span;
    }

    /** @return busy fraction of a thread over the window: the sum of its contexts */
    double busy(final int cpu) {
        final long span = windowEndNs - windowStartNs;
        final int at = cpu * STRIDE;
        final long b = threads[at + CTX_HARDIRQ] + threads[at + CTX_SOFTIRQ] + threads[at + CTX_THREAD];
        return span <= 0 ? 0.0 : b / (double) span;
    }

    long stageCycles(final CostStage stage) {
        return stageCycles[stage.ordinal()];
    }

    long clockHz() {
        return clockHz;
    }
}
