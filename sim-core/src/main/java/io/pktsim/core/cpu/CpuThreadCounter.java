package io.pktsim.core.cpu;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of one {@link HardwareThread}. */
public enum CpuThreadCounter implements CounterDescriptor {
    /** Hard interrupts taken (IPIs and hrtimers included). */
    HARD_IRQS("hard_irqs", "hard interrupts taken, IPIs and hrtimer callbacks included"),
    /** Hard interrupts that preempted a running task step. */
    TASK_PREEMPTIONS("task_preemptions", "hard interrupts that preempted a running task"),
    /** Invocations of {@code __do_softirq()}. */
    SOFTIRQ_ENTRIES("softirq_entries", "__do_softirq invocations"),
    /** Restarts of the {@code __do_softirq()} loop because softirqs were raised again. */
    SOFTIRQ_RESTARTS("softirq_restarts", "__do_softirq restarts (pending again, within 2 ms and 10 passes)"),
    /** Softirq actions run ({@code h->action}), counted per invocation. */
    SOFTIRQ_ACTIONS("softirq_actions", "softirq actions run"),
    /** Wake-ups of ksoftirqd by {@code wakeup_softirqd()} (only those that found it asleep). */
    KSOFTIRQD_WAKEUPS("ksoftirqd_wakeups", "ksoftirqd woken because softirqs were still pending"),
    /** Task steps run (ksoftirqd included). */
    TASK_STEPS("task_steps", "task steps run, ksoftirqd included"),
    /** Cycles added by SMT contention (the sibling hardware thread was busy). */
    SMT_PENALTY_CYCLES("smt_penalty_cycles", "cycles added because the sibling hardware thread was busy");

    private final String label;
    private final String description;

    CpuThreadCounter(final String label, final String description) {
        this.label = label;
        this.description = description;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public String description() {
        return description;
    }
}
