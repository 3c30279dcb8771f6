package io.pktsim.stack.napi;

import io.pktsim.core.counter.CounterDescriptor;

/** Counters of one {@link NapiInstance}. */
public enum NapiCounter implements CounterDescriptor {
    /** Times the instance was scheduled (napi_schedule with SCHED clear). */
    SCHEDULED("scheduled", "times the instance was scheduled (napi_schedule with SCHED clear)"),
    /** Schedule attempts that found it already scheduled and set MISSED. */
    MISSED("missed", "schedule attempts that found it already scheduled and set MISSED"),
    /** Poll callbacks run. */
    POLLS("polls", "poll callbacks run"),
    /** Frames the polls processed. */
    WORK("work", "frames the polls processed"),
    /** Polls that used the whole weight (repolled). */
    FULL_WEIGHT_POLLS("full_weight_polls", "polls that used the whole weight (repolled)"),
    /** Napi_complete_done calls. */
    COMPLETIONS("completions", "napi_complete_done calls"),
    /** Completions that found MISSED and scheduled the instance again. */
    RESCHEDULED_MISSED("rescheduled_missed", "completions that found MISSED and scheduled the instance again"),
    /** Completions that kept the interrupt masked (napi_defer_hard_irqs with gro_flush_timeout). */
    IRQ_DEFERRED("irq_deferred",
        "completions that kept the interrupt masked (napi_defer_hard_irqs with gro_flush_timeout)"),
    /** Gro_flush_timeout hrtimer expiries (napi_watchdog). */
    TIMER_FIRES("timer_fires", "gro_flush_timeout hrtimer expiries (napi_watchdog)"),
    /** Wake-ups of the threaded-NAPI kthread. */
    THREAD_WAKEUPS("thread_wakeups", "wake-ups of the threaded-NAPI kthread");

    private final String label;
    private final String description;

    NapiCounter(final String label, final String description) {
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
