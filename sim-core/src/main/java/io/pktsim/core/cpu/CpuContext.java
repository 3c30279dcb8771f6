package io.pktsim.core.cpu;

/**
 * The execution contexts of a hardware thread, highest precedence first, as the kernel orders them: a hard
 * interrupt preempts everything; softirqs run at interrupt exit (and at {@code local_bh_enable()}) before any
 * task continues; tasks (ksoftirqd and threaded-NAPI kthreads among them) share what is left round robin.
 */
public enum CpuContext {
    /** Nothing runs. */
    IDLE,
    /** A hard interrupt handler (or IPI, or hrtimer callback). */
    HARDIRQ,
    /** Softirq processing ({@code __do_softirq()}), from interrupt exit, bottom-half enable or ksoftirqd. */
    SOFTIRQ,
    /** A task. */
    TASK
}
