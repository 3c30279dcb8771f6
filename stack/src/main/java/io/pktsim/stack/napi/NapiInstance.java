package io.pktsim.stack.napi;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.event.EventLoop;
import io.pktsim.stack.gro.GroTable;

/**
 * One NAPI context ({@code struct napi_struct}, include/linux/netdevice.h, Linux 6.18): separate from devices, so
 * a device has several (one per RX queue, plus a TX instance as mtk_eth_soc has), each with its weight, its state
 * bits, its poll callback, its own {@link GroTable} and the CPU its interrupt runs on. Made by
 * {@link Softnet#addNapi(String, int, int, NapiPoll, GroTable)} ({@code netif_napi_add_weight()}).
 *
 * <p>{@link #napiSchedule(long)} ({@code napi_schedule()}) queues it on its CPU's poll list (or wakes its kthread
 * when threaded) and raises {@code NET_RX_SOFTIRQ}; the driver's poll ends with
 * {@link #napiCompleteDone(int, long)} when it did less than its budget. Every transition is counted
 * ({@link NapiCounter}) and traced.
 */
public final class NapiInstance {

    /** {@code NAPI_STATE_SCHED}: poll is scheduled (owned by a poll list or a kthread). */
    public static final int NAPI_STATE_SCHED = 1;
    /** {@code NAPI_STATE_MISSED}: a schedule came while scheduled; poll again after completion. */
    public static final int NAPI_STATE_MISSED = 1 << 1;
    /** {@code NAPI_STATE_DISABLE}: disable pending. */
    public static final int NAPI_STATE_DISABLE = 1 << 2;
    /** {@code NAPI_STATE_THREADED}: the poll runs in a kthread. */
    public static final int NAPI_STATE_THREADED = 1 << 8;

    final Softnet softnet;
    final int id;
    final String name;
    final int cpu;
    final NapiPoll poll;
    final GroTable gro;
    final Counters<NapiCounter> counters = new Counters<>(NapiCounter.class);
    int weight;
    int state;
    int traceComponent;
    int threadTask = -1;
    long timerEventId = EventLoop.NO_EVENT;

    NapiInstance(final Softnet softnet, final int id, final String name, final int cpu, final int weight,
        final NapiPoll poll, final GroTable gro) {
        if (weight < 1) {
            throw new IllegalArgumentException("NapiInstance " + name + ": weight " + weight + " must be at least 1");
        }
        this.softnet = softnet;
        this.id = id;
        this.name = name;
        this.cpu = cpu;
        this.weight = weight;
        this.poll = poll;
        this.gro = gro;
    }

    /**
     * {@code napi_schedule_prep()}: claims the instance for a poll. If it is already scheduled, sets MISSED so
     * that its completion polls again.
     *
     * @return true if the caller now owns the schedule and must queue it
     */
    public boolean napiSchedulePrep() {
        final int s = state;
        if ((s & NAPI_STATE_DISABLE) != 0) {
            return false;
        }
        if ((s & NAPI_STATE_SCHED) != 0) {
            state = s | NAPI_STATE_MISSED;
            counters.increment(NapiCounter.MISSED);
            return false;
        }
        state = s | NAPI_STATE_SCHED;
        return true;
    }

    /**
     * {@code napi_schedule()} (include/linux/netdevice.h, net/core/dev.c, 6.18): prep, then queue on the poll list
     * of the instance's CPU and raise {@code NET_RX_SOFTIRQ}, or wake the kthread when threaded. Called from the
     * interrupt handler running on that CPU. Counters: {@link NapiCounter#SCHEDULED} or {@link NapiCounter#MISSED}.
     *
     * @param nowNs the simulated time, in nanoseconds
     * @return true if it was scheduled now; false if it already was (or is being disabled)
     */
    public boolean napiSchedule(final long nowNs) {
        if (napiSchedulePrep()) {
            softnet.napiScheduleOwned(this, nowNs);
            return true;
        }
        softnet.traceMissed(this, nowNs);
        return false;
    }

    /**
     * {@code napi_complete_done()} (net/core/dev.c, 6.18), called by the driver's poll when it did less than its
     * budget: the GRO part ({@link GroTable#napiCompleteDone(int, long)}: flush, {@code napi_defer_hard_irqs},
     * {@code gro_flush_timeout}), then SCHED is cleared, unless MISSED was set, in which case the instance is
     * scheduled again at once and false is returned; an armed {@code gro_flush_timeout} starts the hrtimer.
     * Counters: {@link NapiCounter#COMPLETIONS}, {@link NapiCounter#RESCHEDULED_MISSED},
     * {@link NapiCounter#IRQ_DEFERRED}.
     *
     * @param workDone the frames the poll processed
     * @param nowNs the simulated time, in nanoseconds
     * @return true if the driver may unmask its interrupt now
     */
    public boolean napiCompleteDone(final int workDone, final long nowNs) {
        counters.increment(NapiCounter.COMPLETIONS);
        final GroTable g = gro;
        boolean ret = g == null || g.napiCompleteDone(workDone, nowNs);
        final int val = state;
        state = val & ~(NAPI_STATE_SCHED | NAPI_STATE_MISSED)
            | ((val & NAPI_STATE_MISSED) != 0 ? NAPI_STATE_SCHED : 0);
        if ((val & NAPI_STATE_MISSED) != 0) {
            counters.increment(NapiCounter.RESCHEDULED_MISSED);
            if (g != null) {
                g.cancelTimer();
            }
            softnet.traceComplete(this, workDone, false, true, nowNs);
            softnet.napiScheduleOwned(this, nowNs);
            return false;
        }
        if (!ret) {
            counters.increment(NapiCounter.IRQ_DEFERRED);
        }
        if (g != null && g.timerArmed()) {
            softnet.armTimer(this, g.timerDeadlineNs());
        }
        softnet.traceComplete(this, workDone, ret, false, nowNs);
        return ret;
    }

    /**
     * Switches threaded NAPI on (sysfs {@code threaded}): from now on a schedule wakes the kthread
     * {@code napi/<name>} on the instance's CPU instead of raising {@code NET_RX_SOFTIRQ}. Build time only.
     */
    public void threaded() {
        if (threadTask < 0) {
            threadTask = softnet.createThread(this);
        }
        state |= NAPI_STATE_THREADED;
    }

    /** @return the weight (the budget each poll gets) */
    public int weight() {
        return weight;
    }

    /**
     * Sets the weight ({@code netif_napi_set_weight}); build time.
     *
     * @param frames at least 1
     */
    public void weight(final int frames) {
        if (frames < 1) {
            throw new IllegalArgumentException("NapiInstance " + name + ": weight " + frames + " must be at least 1");
        }
        this.weight = frames;
    }

    /** @return the state bits ({@code NAPI_STATE_*}) */
    public int state() {
        return state;
    }

    /** @return true if SCHED is set */
    public boolean scheduled() {
        return (state & NAPI_STATE_SCHED) != 0;
    }

    /** @return the instance's name */
    public String name() {
        return name;
    }

    /** @return its index in its {@link Softnet} */
    public int id() {
        return id;
    }

    /** @return the CPU its interrupt and poll run on */
    public int cpu() {
        return cpu;
    }

    /** @return its GRO state, or null for an instance without GRO (a TX completion instance) */
    public GroTable gro() {
        return gro;
    }

    /** @return its counters */
    public Counters<NapiCounter> counters() {
        return counters;
    }

    /** @return its trace component id (valid once a trace bus is attached) */
    public int traceComponent() {
        return traceComponent;
    }

    @Override
    public String toString() {
        return "NapiInstance[" + name + ", cpu " + cpu + ", weight " + weight + ", state " + state + "]";
    }
}
