package io.pktsim.stack.napi;

import java.util.Arrays;

import io.pktsim.core.cpu.CpuStages;
import io.pktsim.core.cpu.CpuTask;
import io.pktsim.core.cpu.CpuTopology;
import io.pktsim.core.cpu.HardIrqHandler;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.event.EventHandler;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.trace.TraceBus;
import io.pktsim.core.trace.TraceEvent;
import io.pktsim.stack.gro.GroTable;

/**
 * The NAPI machinery of one host: a {@link SoftnetData} per CPU (its {@code NET_RX_SOFTIRQ} action opened on the
 * CPU's {@link HardwareThread}), the registered {@link NapiInstance}s, the {@code gro_flush_timeout} hrtimers,
 * RPS ({@link #enqueueToBacklog(int, int, int, long)} and the IPIs it sends), threaded NAPI kthreads, and the
 * trace points of every decision (net/core/dev.c, Linux 6.18).
 *
 * <p>Trace kinds: {@code irq}, {@code irq_enable} (published by drivers through {@link #traceIrq} and
 * {@link #traceIrqEnable}), {@code napi_schedule}, {@code napi_missed}, {@code net_rx_action},
 * {@code napi_poll} (work, weight, budget left), {@code napi_repoll}, {@code napi_complete_done},
 * {@code time_squeeze}, {@code backlog_drop}, {@code rps_ipi}, {@code napi_timer}; the CPU publishes
 * {@code ksoftirqd_wake}. With no sink a trace point costs one branch.
 */
public final class Softnet {

    final NapiKnobs knobs;
    final SoftnetCosts costs;
    final long budgetJiffies;
    final int stageNetRxAction;
    final int stageNapiPoll;
    final int stageIpi;
    final int stageHrtimer;
    final int stageBacklog;
    BacklogSink backlogSink = (cpu, packet, nowNs) -> { };

    private final CpuTopology topology;
    private final EventLoop loop;
    private final SoftnetData[] cpus;
    private NapiInstance[] napis = new NapiInstance[8];
    private int napiCount;
    private final int ipiKind;
    private final int timerKind;
    private final IpiIrq ipiIrq = new IpiIrq();
    private final TimerIrq timerIrq = new TimerIrq();

    private final TraceBus trace;
    private final int kIrq;
    private final int kIrqEnable;
    private final int kSchedule;
    private final int kMissed;
    private final int kNetRxAction;
    private final int kPoll;
    private final int kRepoll;
    private final int kComplete;
    private final int kSqueeze;
    private final int kBacklogDrop;
    private final int kIpi;
    private final int kTimer;

    /**
     * Builds the per-CPU softnet data and opens {@code NET_RX_SOFTIRQ} on every hardware thread.
     *
     * @param topology the CPUs
     * @param loop the event loop
     * @param knobs the NAPI knobs (read now: budget, backlog size; and as the model runs)
     * @param costs the machinery's own cycles
     * @param trace the trace bus ({@link TraceBus#disabled()} for none); also attached to every CPU
     */
    public Softnet(final CpuTopology topology, final EventLoop loop, final NapiKnobs knobs, final SoftnetCosts costs,
        final TraceBus trace) {
        this.topology = topology;
        this.loop = loop;
        this.knobs = knobs;
        this.costs = costs;
        this.trace = trace;
        this.budgetJiffies = NapiKnobs.usecsToJiffies(knobs.netdevBudgetUsecs(), knobs.hz());
        final CpuStages stages = topology.stages();
        this.stageNetRxAction = stages.register("net_rx_action");
        this.stageNapiPoll = stages.register("napi_poll");
        this.stageIpi = stages.register("ipi");
        this.stageHrtimer = stages.register("hrtimer");
        this.stageBacklog = stages.register("backlog");
        final int n = topology.threadCount();
        this.cpus = new SoftnetData[n];
        for (int i = 0; i < n; i++) {
            final HardwareThread t = topology.thread(i);
            if (t.hz() != knobs.hz()) {
                throw new IllegalArgumentException("Softnet: cpu" + i + " runs at HZ " + t.hz() + ", the knobs at "
                    + knobs.hz());
            }
            cpus[i] = new SoftnetData(this, i, t, n, knobs.netdevMaxBacklog(), knobs.devWeight());
            cpus[i].ensureCapacity(8);
            t.openSoftirq(HardwareThread.NET_RX_SOFTIRQ, cpus[i]);
            if (trace.enabled()) {
                t.trace(trace);
            }
        }
        this.ipiKind = loop.register(new IpiEvent(), "rps_ipi");
        this.timerKind = loop.register(new TimerEvent(), "napi_timer");
        final io.pktsim.core.trace.TraceNames names = trace.names();
        this.kIrq = names.kind("irq", "line", "cpu");
        this.kIrqEnable = names.kind("irq_enable", "line");
        this.kSchedule = names.kind("napi_schedule", "cpu", "threaded");
        this.kMissed = names.kind("napi_missed");
        this.kNetRxAction = names.kind("net_rx_action", "budget", "time_limit_jiffies", "instances");
        this.kPoll = names.kind("napi_poll", "work", "weight", "budget_left");
        this.kRepoll = names.kind("napi_repoll", "work");
        this.kComplete = names.kind("napi_complete_done", "work", "irq_may_enable", "missed");
        this.kSqueeze = names.kind("time_squeeze", "budget_left", "time_limit", "polls");
        this.kBacklogDrop = names.kind("backlog_drop", "qlen", "cpu");
        this.kIpi = names.kind("rps_ipi", "from_cpu", "to_cpu");
        this.kTimer = names.kind("napi_timer");
        for (int i = 0; i < n; i++) {
            cpus[i].traceComponent = names.component("softnet/cpu" + i);
            cpus[i].backlog.traceComponent = names.component(cpus[i].backlog.name);
        }
    }

    /**
     * Registers a NAPI instance ({@code netif_napi_add_weight()}); build time.
     *
     * @param name its name in traces, e.g. {@code "mtk_eth/rx0"}
     * @param cpu the CPU its interrupt (and so its poll) runs on
     * @param weight its weight, usually {@link NapiKnobs#NAPI_POLL_WEIGHT}
     * @param poll the driver's poll
     * @param gro its GRO state, or null for an instance that never receives (TX completion)
     * @return the instance
     */
    public NapiInstance addNapi(final String name, final int cpu, final int weight, final NapiPoll poll,
        final GroTable gro) {
        if (cpu < 0 || cpu >= cpus.length) {
            throw new IllegalArgumentException("Softnet: NAPI " + name + " on cpu " + cpu + "; there are "
                + cpus.length);
        }
        if (napiCount == napis.length) {
            napis = Arrays.copyOf(napis, napiCount * 2);
        }
        final NapiInstance n = new NapiInstance(this, napiCount, name, cpu, weight, poll, gro);
        n.traceComponent = trace.names().component(name);
        napis[napiCount++] = n;
        for (final SoftnetData sd : cpus) {
            sd.ensureCapacity(napiCount + 1);
        }
        return n;
    }

    /**
     * Sets where the backlog NAPI delivers packets ({@code __netif_receive_skb()}).
     *
     * @param sink the sink
     */
    public void backlogSink(final BacklogSink sink) {
        this.backlogSink = sink;
    }

    /**
     * {@code enqueue_to_backlog()} (net/core/dev.c, 6.18), as {@code netif_rx()} or RPS use it: queues a packet
     * on a CPU's input backlog unless it already holds more than {@code netdev_max_backlog} (the length is
     * tested before the enqueue, so the queue holds at most {@code netdev_max_backlog + 1}); the first packet
     * schedules the backlog NAPI, directly on the same CPU or through an IPI sent at the end of the current
     * {@code net_rx_action()}. Counters: {@link SoftnetCounter#BACKLOG_ENQUEUED} or {@link SoftnetCounter#DROPPED}
     * of the target CPU.
     *
     * @param fromCpu the CPU running the caller
     * @param targetCpu the CPU whose backlog takes the packet (the RPS choice)
     * @param packet the packet; on false the caller still owns it
     * @param nowNs the simulated time, in nanoseconds
     * @return true if queued, false if dropped
     */
    public boolean enqueueToBacklog(final int fromCpu, final int targetCpu, final int packet, final long nowNs) {
        return cpus[targetCpu].enqueue(cpus[fromCpu], packet, nowNs);
    }

    /** {@code ____napi_schedule()}: the caller owns SCHED. */
    void napiScheduleOwned(final NapiInstance n, final long nowNs) {
        n.counters.increment(NapiCounter.SCHEDULED);
        final SoftnetData sd = cpus[n.cpu];
        final boolean threaded = (n.state & NapiInstance.NAPI_STATE_THREADED) != 0;
        if (trace.enabled()) {
            trace.publish(nowNs, n.traceComponent, kSchedule, TraceEvent.NO_PACKET, n.cpu, threaded ? 1 : 0, 0, 0);
        }
        if (threaded) {
            n.counters.increment(NapiCounter.THREAD_WAKEUPS);
            sd.thread.wake(n.threadTask, nowNs);
            return;
        }
        sd.pollList.addTail(n);
        // ____napi_schedule() (6.18): "If not called from net_rx_action() we have to raise NET_RX_SOFTIRQ"; a run
        // in progress takes the instance itself when its own list runs out (SoftnetData.runStep)
        if (!sd.inNetRxAction()) {
            sd.thread.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, nowNs);
        }
    }

    void armTimer(final NapiInstance n, final long deadlineNs) {
        if (n.timerEventId != EventLoop.NO_EVENT) {
            loop.cancel(n.timerEventId);
        }
        n.timerEventId = loop.schedule(deadlineNs, timerKind, n.id, 0);
    }

    int createThread(final NapiInstance n) {
        return cpus[n.cpu].thread.addTask(new NapiThread(n, cpus[n.cpu]), "napi/" + n.name, true);
    }

    void sendIpi(final SoftnetData from, final int target, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, from.traceComponent, kIpi, TraceEvent.NO_PACKET, from.cpu, target, 0, 0);
        }
        loop.schedule(nowNs + knobs.ipiLatencyNs(), ipiKind, target, from.cpu);
    }

    /**
     * @param cpu a CPU number
     * @return its softnet data
     */
    public SoftnetData softnet(final int cpu) {
        return cpus[cpu];
    }

    /** @return the number of CPUs */
    public int cpuCount() {
        return cpus.length;
    }

    /**
     * @param id an instance's {@link NapiInstance#id()}
     * @return the instance
     */
    public NapiInstance napi(final int id) {
        return napis[id];
    }

    /** @return the number of registered instances (backlogs not included) */
    public int napiCount() {
        return napiCount;
    }

    /** @return the knobs */
    public NapiKnobs knobs() {
        return knobs;
    }

    /** @return the CPUs */
    public CpuTopology topology() {
        return topology;
    }

    /** @return {@code usecs_to_jiffies(netdev_budget_usecs)} */
    public long budgetJiffies() {
        return budgetJiffies;
    }

    /** @return the trace bus */
    public TraceBus trace() {
        return trace;
    }

    // ================================================================ trace points

    /**
     * Trace point for a driver: an interrupt was taken.
     *
     * @param component the driver's trace component
     * @param line the interrupt line
     * @param cpu the CPU
     * @param nowNs the simulated time
     */
    public void traceIrq(final int component, final int line, final int cpu, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, component, kIrq, TraceEvent.NO_PACKET, line, cpu, 0, 0);
        }
    }

    /**
     * Trace point for a driver: the interrupt was re-enabled after a poll completed.
     *
     * @param component the driver's trace component
     * @param line the interrupt line
     * @param nowNs the simulated time
     */
    public void traceIrqEnable(final int component, final int line, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, component, kIrqEnable, TraceEvent.NO_PACKET, line, 0, 0, 0);
        }
    }

    void traceMissed(final NapiInstance n, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, n.traceComponent, kMissed, TraceEvent.NO_PACKET, 0, 0, 0, 0);
        }
    }

    void traceNetRxAction(final SoftnetData sd, final int budget, final long limit, final int instances,
        final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, sd.traceComponent, kNetRxAction, TraceEvent.NO_PACKET, budget, limit, instances, 0);
        }
    }

    void tracePoll(final NapiInstance n, final int work, final int weight, final int budgetLeft, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, n.traceComponent, kPoll, TraceEvent.NO_PACKET, work, weight, budgetLeft, 0);
        }
    }

    void traceRepoll(final NapiInstance n, final int work, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, n.traceComponent, kRepoll, TraceEvent.NO_PACKET, work, 0, 0, 0);
        }
    }

    void traceComplete(final NapiInstance n, final int work, final boolean ret, final boolean missed,
        final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, n.traceComponent, kComplete, TraceEvent.NO_PACKET, work, ret ? 1 : 0, missed ? 1 : 0,
                0);
        }
    }

    void traceTimeSqueeze(final SoftnetData sd, final int budgetLeft, final boolean timeLimit, final int polls,
        final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, sd.traceComponent, kSqueeze, TraceEvent.NO_PACKET, budgetLeft, timeLimit ? 1 : 0,
                polls, 0);
        }
    }

    void traceBacklogDrop(final SoftnetData sd, final int packet, final int qlen, final long nowNs) {
        if (trace.enabled()) {
            trace.publish(nowNs, sd.traceComponent, kBacklogDrop, packet, qlen, sd.cpu, 0, 0);
        }
    }

    // ================================================================ events

    /** The RPS IPI arriving on its target CPU: taken as a hard interrupt there. */
    private final class IpiEvent implements EventHandler {
        @Override
        public void onEvent(final int target, final long arg, final long nowNs) {
            cpus[target].thread.hardIrq(ipiIrq, (int) arg, nowNs);
        }
    }

    /** {@code rps_trigger_softirq()}: schedules the CPU's backlog NAPI. */
    private final class IpiIrq implements HardIrqHandler {
        @Override
        public void onHardIrq(final HardwareThread cpu, final int line, final long nowNs) {
            if (costs.ipiCycles() != 0) {
                cpu.charge(stageIpi, costs.ipiCycles());
            }
            final SoftnetData sd = cpus[cpu.id()];
            sd.receivedRps();
            napiScheduleOwned(sd.backlog, nowNs);
        }
    }

    /** The {@code gro_flush_timeout} hrtimer expiring: taken as a hard interrupt on the instance's CPU. */
    private final class TimerEvent implements EventHandler {
        @Override
        public void onEvent(final int target, final long arg, final long nowNs) {
            final NapiInstance n = napis[target];
            n.timerEventId = EventLoop.NO_EVENT;
            cpus[n.cpu].thread.hardIrq(timerIrq, target, nowNs);
        }
    }

    /** {@code napi_watchdog()}: schedules the instance unless it is scheduled (no MISSED: no device IRQ). */
    private final class TimerIrq implements HardIrqHandler {
        @Override
        public void onHardIrq(final HardwareThread cpu, final int line, final long nowNs) {
            if (costs.hrtimerCycles() != 0) {
                cpu.charge(stageHrtimer, costs.hrtimerCycles());
            }
            final NapiInstance n = napis[line];
            n.counters.increment(NapiCounter.TIMER_FIRES);
            if (trace.enabled()) {
                trace.publish(nowNs, n.traceComponent, kTimer, TraceEvent.NO_PACKET, 0, 0, 0, 0);
            }
            if (n.gro != null) {
                n.gro.cancelTimer();
            }
            if ((n.state & (NapiInstance.NAPI_STATE_DISABLE | NapiInstance.NAPI_STATE_SCHED)) == 0) {
                n.state |= NapiInstance.NAPI_STATE_SCHED;
                napiScheduleOwned(n, nowNs);
            }
        }
    }

    /** {@code napi_threaded_poll()}: one {@code __napi_poll()} per step while scheduled. */
    private static final class NapiThread implements CpuTask {
        private final NapiInstance napi;
        private final SoftnetData sd;

        NapiThread(final NapiInstance napi, final SoftnetData sd) {
            this.napi = napi;
            this.sd = sd;
        }

        @Override
        public boolean runStep(final HardwareThread cpu, final long nowNs) {
            if ((napi.state & NapiInstance.NAPI_STATE_SCHED) == 0) {
                return false;
            }
            sd.inThreadedPoll = true;
            sd.pollOnce(napi, nowNs);
            final boolean repoll = sd.lastRepoll;
            sd.sendIpis(nowNs);
            sd.inThreadedPoll = false;
            return repoll;
        }
    }
}
