package io.pktsim.core.cpu;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.event.EventHandler;
import io.pktsim.core.event.EventLoop;
import io.pktsim.core.trace.TraceBus;

/**
 * One hardware thread (a logical CPU: a VPE of a MIPS 1004Kc core, a hyperthread) running work in the
 * kernel's execution contexts, with their precedence:
 * <ul>
 *   <li><b>hard IRQ</b> ({@link #hardIrq(HardIrqHandler, int, long)}): runs at once. It extends the softirq or
 *   hard-IRQ work in progress by its own duration, and preempts a running task step, which resumes with the
 *   time it had left;</li>
 *   <li><b>softirq</b>: at interrupt exit ({@code irq_exit()} / {@code invoke_softirq()}), pending softirqs run
 *   inline in {@code __do_softirq()} (kernel/softirq.c, Linux 6.18): their actions in bit order, restarted
 *   while softirqs are raised again, at most {@link #MAX_SOFTIRQ_RESTART} passes and while the jiffy is before
 *   {@code start + msecs_to_jiffies(2)}; what is still pending then is handed to <b>ksoftirqd</b>
 *   ({@code wakeup_softirqd()}). A task that runs with bottom halves disabled (a threaded-NAPI kthread) runs
 *   pending softirqs when its step ends ({@code local_bh_enable()}). A softirq raised outside interrupt
 *   context wakes ksoftirqd, as {@code raise_softirq()} does;</li>
 *   <li><b>tasks</b> ({@link #addTask(CpuTask, String, boolean)}): ksoftirqd and every other task take turns,
 *   one step each, round robin.</li>
 * </ul>
 * Each piece of work charges cycles with {@link #charge(int, long)} to the underlying {@link CpuCore} (the
 * accounting per stage) and lasts {@code cycles / clockHz}. The logic of a step (a NAPI poll taking frames off
 * a ring, say) happens at its start; its cycles then occupy the thread until its end.
 *
 * <p>SMT: with a sibling set ({@link #sibling(HardwareThread, int)}), a charge made while the sibling is busy
 * costs {@code (2000 - p) / p} extra cycles per cycle, where {@code p} is the core's throughput with both
 * threads busy relative to one thread, in permille ({@code smtThroughputFactor} x 1000): the two threads then
 * share one pipeline. The extra cycles are charged under the stage {@link #SMT_STAGE}.
 *
 * <p>Simplifications: the SMT slowdown is decided when work is charged, not re-evaluated when the sibling
 * starts or stops during it; {@code need_resched()} never cuts {@code __do_softirq()} short; the round robin
 * has no time slice beyond a step; only one task can be preempted at a time (a softirq cannot be preempted by
 * a task). Nothing allocates once the model is built. One simulation thread.
 */
public final class HardwareThread implements EventHandler {

    /** {@code MAX_SOFTIRQ_RESTART} (kernel/softirq.c, 6.18): passes of {@code __do_softirq()} at most. */
    public static final int MAX_SOFTIRQ_RESTART = 10;
    /** {@code MAX_SOFTIRQ_TIME} (kernel/softirq.c, 6.18): 2 ms, as {@code msecs_to_jiffies(2)}. */
    public static final long MAX_SOFTIRQ_TIME_NS = 2_000_000L;
    /** The number of softirq vectors ({@code NR_SOFTIRQS}). */
    public static final int NR_SOFTIRQS = 10;
    /** {@code NET_TX_SOFTIRQ}. */
    public static final int NET_TX_SOFTIRQ = 2;
    /** {@code NET_RX_SOFTIRQ}. */
    public static final int NET_RX_SOFTIRQ = 3;
    /** The stage the SMT contention cycles are charged under. */
    public static final String SMT_STAGE = "smt_contention";
    /** The name of the ksoftirqd task of every thread. */
    public static final String KSOFTIRQD = "ksoftirqd";

    private static final byte SLEEPING = 0;
    private static final byte QUEUED = 1;
    private static final byte RUNNING = 2;
    private static final int NO_TASK = -1;

    private final int id;
    private final String name;
    private final CpuCore core;
    private final EventLoop loop;
    private final int eventKind;
    private final int hz;
    private final long nsPerJiffy;
    private final long maxSoftirqTimeJiffies;
    private final int smtStage;
    private final Counters<CpuThreadCounter> counters = new Counters<>(CpuThreadCounter.class);
    private final long[] contextCycles = new long[CpuContext.values().length];

    private HardwareThread sibling;
    private long smtPenaltyNum;
    private long smtPenaltyDen = 1;

    private TraceBus trace = TraceBus.disabled();
    private int traceComponent;
    private int traceKsoftirqdWake;
    private int traceSoftirqRestart;

    private CpuContext state = CpuContext.IDLE;
    private long eventId = EventLoop.NO_EVENT;
    private long segmentEndNs;
    private boolean inCallback;
    private long callbackNowNs;
    private CpuContext chargeContext = CpuContext.IDLE;
    private long stepCycles;

    // softirq state
    private final SoftirqAction[] actions = new SoftirqAction[NR_SOFTIRQS];
    private int pending;
    private int snapshot;
    private int currentVec = -1;
    private int restartLeft;
    private long endJiffy;
    private boolean softirqInKsoftirqd;

    // tasks
    private CpuTask[] tasks = new CpuTask[4];
    private String[] taskNames = new String[4];
    private boolean[] taskBhDisabled = new boolean[4];
    private byte[] taskState = new byte[4];
    private boolean[] taskRerun = new boolean[4];
    private long[] taskCycles = new long[4];
    /** The softirq cycles that ran in this thread's ksoftirqd ({@link #ksoftirqdSoftirqCycles}). */
    private long ksoftirqdSoftirqCycles;
    private int taskCount;
    private int[] runQueue = new int[4];
    private int runHead;
    private int runCount;
    private int currentTask = NO_TASK;
    private boolean currentStillRunnable;
    private final int ksoftirqdTask;
    private boolean suspended;
    private long suspendedRemainingNs;

    // work deferred to the end of the current softirq or task step
    private static final int MAX_HOOKS = 8;
    private final StepEndHook[] hooks = new StepEndHook[MAX_HOOKS];
    private final int[] hookArgs = new int[MAX_HOOKS];
    private int hookCount;

    /**
     * Creates an idle hardware thread.
     *
     * @param core the accounting core (its clock is the thread's clock)
     * @param loop the event loop
     * @param hz the kernel's HZ (jiffies per second), from 1 to 10000
     */
    public HardwareThread(final CpuCore core, final EventLoop loop, final int hz) {
        if (hz < 1 || hz > 10_000) {
            throw new IllegalArgumentException("HardwareThread " + core.name() + ": HZ " + hz + " is outside 1..10000");
        }
        this.id = core.id();
        this.name = core.name();
        this.core = core;
        this.loop = loop;
        this.hz = hz;
        this.nsPerJiffy = 1_000_000_000L / hz;
        this.maxSoftirqTimeJiffies = msecsToJiffies(MAX_SOFTIRQ_TIME_NS / 1_000_000L, hz);
        this.smtStage = core.stages().register(SMT_STAGE);
        this.eventKind = loop.register(this, "cpu:" + name);
        this.ksoftirqdTask = addTask((cpu, nowNs) -> false, KSOFTIRQD + "/" + id, true);
    }

    /**
     * {@code msecs_to_jiffies()}: milliseconds to jiffies, rounded up.
     *
     * @param ms milliseconds
     * @param hz the kernel's HZ
     * @return jiffies
     */
    public static long msecsToJiffies(final long ms, final int hz) {
        return (ms * hz + 999) / 1000;
    }

    /**
     * Pairs this thread with its SMT sibling (both directions).
     *
     * @param other the other hardware thread of the same core
     * @param smtThroughputPermille what the core does with both threads busy relative to one thread, in
     *     permille, from 1000 (no gain: each runs at half speed) to 2000 (no contention)
     */
    public void sibling(final HardwareThread other, final int smtThroughputPermille) {
        if (smtThroughputPermille < 1000 || smtThroughputPermille > 2000) {
            throw new IllegalArgumentException("HardwareThread " + name + ": SMT throughput " + smtThroughputPermille
                + " permille is outside 1000..2000");
        }
        this.sibling = other;
        this.smtPenaltyNum = 2000L - smtThroughputPermille;
        this.smtPenaltyDen = smtThroughputPermille;
        other.sibling = this;
        other.smtPenaltyNum = this.smtPenaltyNum;
        other.smtPenaltyDen = this.smtPenaltyDen;
    }

    /**
     * Attaches a trace bus: publishes {@code ksoftirqd_wake} and {@code softirq_restart}.
     *
     * @param bus the bus
     */
    public void trace(final TraceBus bus) {
        this.trace = bus;
        this.traceComponent = bus.names().component(name);
        this.traceKsoftirqdWake = bus.names().kind("ksoftirqd_wake", "pending");
        this.traceSoftirqRestart = bus.names().kind("softirq_restart", "pending", "passes_left");
    }

    /**
     * Registers the action of a softirq vector ({@code open_softirq()}).
     *
     * @param vec the vector, e.g. {@link #NET_RX_SOFTIRQ}
     * @param action the action
     */
    public void openSoftirq(final int vec, final SoftirqAction action) {
        actions[vec] = action;
    }

    /**
     * Registers a task, asleep.
     *
     * @param task the task
     * @param taskName its name, e.g. {@code "napi/eth0-8193"}
     * @param bottomHalvesDisabled true if its steps run with bottom halves disabled (softirqs raised meanwhile
     *     run when the step ends), as threaded NAPI's {@code local_bh_disable()} section does
     * @return the task id for {@link #wake(int, long)}
     */
    public int addTask(final CpuTask task, final String taskName, final boolean bottomHalvesDisabled) {
        if (taskCount == tasks.length) {
            final int n = tasks.length * 2;
            tasks = java.util.Arrays.copyOf(tasks, n);
            taskNames = java.util.Arrays.copyOf(taskNames, n);
            taskBhDisabled = java.util.Arrays.copyOf(taskBhDisabled, n);
            taskState = java.util.Arrays.copyOf(taskState, n);
            taskRerun = java.util.Arrays.copyOf(taskRerun, n);
            taskCycles = java.util.Arrays.copyOf(taskCycles, n);
            final int[] q = new int[n];
            for (int i = 0; i < runCount; i++) {
                q[i] = runQueue[(runHead + i) % runQueue.length];
            }
            runQueue = q;
            runHead = 0;
        }
        tasks[taskCount] = task;
        taskNames[taskCount] = taskName;
        taskBhDisabled[taskCount] = bottomHalvesDisabled;
        return taskCount++;
    }

    // ================================================================ raising work

    /**
     * Takes a hard interrupt now: runs the handler, whose charges make the interrupt's duration, and
     * schedules what follows (interrupt exit and softirqs; the preempted work's continuation). Raised from
     * inside this thread's own work (a driver re-enabling an asserted source), it runs at once and extends
     * that work.
     *
     * @param handler the handler
     * @param line the line, passed to the handler
     * @param nowNs the simulated time, in nanoseconds
     */
    public void hardIrq(final HardIrqHandler handler, final int line, final long nowNs) {
        counters.increment(CpuThreadCounter.HARD_IRQS);
        if (inCallback) {
            nestedHardIrq(handler, line, nowNs);
            return;
        }
        final CpuContext prev = state;
        final CpuContext prevCharge = chargeContext;
        beginCallback(CpuContext.HARDIRQ, nowNs);
        handler.onHardIrq(this, line, nowNs);
        inCallback = false;
        chargeContext = prevCharge;
        final long d = CpuCore.cyclesToNs(stepCycles, core.clockHz());
        switch (prev) {
            case IDLE:
                state = CpuContext.HARDIRQ;
                scheduleEnd(nowNs + d);
                break;
            case HARDIRQ:
            case SOFTIRQ:
                scheduleEnd(segmentEndNs + d);
                break;
            case TASK:
                if (taskBhDisabled[currentTask]) {
                    scheduleEnd(segmentEndNs + d);
                } else {
                    counters.increment(CpuThreadCounter.TASK_PREEMPTIONS);
                    suspended = true;
                    suspendedRemainingNs = segmentEndNs - nowNs;
                    state = CpuContext.HARDIRQ;
                    scheduleEnd(nowNs + d);
                }
                break;
            default:
                throw new IllegalStateException("HardwareThread " + name + ": state " + prev);
        }
    }

    /**
     * An interrupt raised by this thread's own work (a driver re-enabling a source whose status is set): it is
     * taken at once and its cycles extend the work in progress.
     */
    private void nestedHardIrq(final HardIrqHandler handler, final int line, final long nowNs) {
        final CpuContext prevCharge = chargeContext;
        final long prevStep = stepCycles;
        stepCycles = 0;
        chargeContext = CpuContext.HARDIRQ;
        handler.onHardIrq(this, line, nowNs);
        chargeContext = prevCharge;
        stepCycles += prevStep;
        if (pending != 0 && prevCharge == CpuContext.TASK && !taskBhDisabled[currentTask]) {
            // no interrupt exit runs softirqs inside a task step here: hand them to ksoftirqd
            wakeupKsoftirqd(nowNs);
        }
    }

    /**
     * {@code raise_softirq()}: marks a softirq pending. Inside interrupt context (hard IRQ, softirq, a task
     * step with bottom halves disabled) it runs at the next exit point; elsewhere ksoftirqd is woken.
     *
     * @param vec the vector
     * @param nowNs the simulated time, in nanoseconds
     */
    public void raiseSoftirq(final int vec, final long nowNs) {
        pending |= 1 << vec;
        if (!inInterrupt()) {
            wakeupKsoftirqd(nowNs);
        }
    }

    /**
     * Wakes a task ({@code wake_up_process()}): queues it at the tail of the run queue if it slept; a task woken
     * while its own step runs stays runnable after the step.
     *
     * @param task the task id
     * @param nowNs the simulated time, in nanoseconds
     */
    public void wake(final int task, final long nowNs) {
        final byte s = taskState[task];
        if (s == SLEEPING) {
            enqueue(task);
            kickIfIdle(nowNs);
        } else if (s == RUNNING) {
            taskRerun[task] = true;
        }
    }

    /**
     * Charges work to the thread from inside its current callback (a hard IRQ handler, a softirq step or a
     * task step): the stage's cycles go to the {@link CpuCore}, and the work lasts its cycles (plus the SMT
     * penalty when the sibling is busy).
     *
     * @param stage the stage, from the core's {@link CpuStages}
     * @param cycles the cycles, at least 0
     */
    public void charge(final int stage, final long cycles) {
        if (!inCallback) {
            throw new IllegalStateException("HardwareThread " + name + ": charge of " + cycles
                + " cycles outside a hard IRQ, softirq step or task step");
        }
        final long now = callbackNowNs;
        core.charge(now, stage, cycles);
        long total = cycles;
        final HardwareThread s = sibling;
        if (s != null && s.state != CpuContext.IDLE && smtPenaltyNum != 0) {
            final long extra = cycles * smtPenaltyNum / smtPenaltyDen;
            if (extra > 0) {
                core.charge(now, smtStage, extra);
                counters.add(CpuThreadCounter.SMT_PENALTY_CYCLES, extra);
                total += extra;
            }
        }
        contextCycles[chargeContext.ordinal()] += total;
        if (chargeContext == CpuContext.TASK && currentTask >= 0) {
            taskCycles[currentTask] += total;
        } else if (chargeContext == CpuContext.SOFTIRQ && currentTask == ksoftirqdTask) {
            ksoftirqdSoftirqCycles += total;
        }
        stepCycles += total;
    }

    /**
     * Defers work to the end of the current softirq or task step (when its cycles have run). An interrupt the
     * work raises is taken then, before the next step.
     *
     * @param hook the work
     * @param arg a number passed back
     */
    public void atStepEnd(final StepEndHook hook, final int arg) {
        if (!inCallback || chargeContext == CpuContext.HARDIRQ) {
            throw new IllegalStateException("HardwareThread " + name + ": atStepEnd outside a softirq or task step");
        }
        if (hookCount == MAX_HOOKS) {
            throw new IllegalStateException("HardwareThread " + name + ": more than " + MAX_HOOKS
                + " step-end hooks in one step");
        }
        hooks[hookCount] = hook;
        hookArgs[hookCount] = arg;
        hookCount++;
    }

    // ================================================================ the state machine

    @Override
    public void onEvent(final int target, final long arg, final long nowNs) {
        eventId = EventLoop.NO_EVENT;
        if (hookCount > 0 && (state == CpuContext.SOFTIRQ || state == CpuContext.TASK) && runHooks(nowNs)) {
            return;
        }
        switch (state) {
            case IDLE:
                dispatch(nowNs);
                break;
            case HARDIRQ:
                irqExit(nowNs);
                break;
            case SOFTIRQ:
                if (currentVec >= 0) {
                    runSoftirqStep(nowNs);
                } else {
                    nextVec(nowNs);
                }
                break;
            case TASK:
                taskStepEnd(nowNs);
                break;
            default:
                throw new IllegalStateException("HardwareThread " + name + ": state " + state);
        }
    }

    /**
     * Runs the step-end hooks as interrupt-context work of the step that just ended; if they took interrupts
     * (cycles were charged), the step's end moves by their duration and true is returned.
     */
    private boolean runHooks(final long nowNs) {
        final int n = hookCount;
        hookCount = 0;
        beginCallback(CpuContext.HARDIRQ, nowNs);
        for (int i = 0; i < n; i++) {
            final StepEndHook h = hooks[i];
            hooks[i] = null;
            h.onStepEnd(this, hookArgs[i], nowNs);
        }
        inCallback = false;
        if (stepCycles == 0) {
            return false;
        }
        scheduleEnd(nowNs + CpuCore.cyclesToNs(stepCycles, core.clockHz()));
        return true;
    }

    private void irqExit(final long nowNs) {
        state = CpuContext.IDLE;
        if (pending != 0) {
            beginDoSoftirq(nowNs, false);
        } else {
            resumeOrDispatch(nowNs);
        }
    }

    private void resumeOrDispatch(final long nowNs) {
        if (suspended) {
            suspended = false;
            state = CpuContext.TASK;
            scheduleEnd(nowNs + suspendedRemainingNs);
        } else {
            dispatch(nowNs);
        }
    }

    private void dispatch(final long nowNs) {
        state = CpuContext.IDLE;
        while (runCount > 0) {
            final int t = runQueue[runHead];
            runHead = (runHead + 1) % runQueue.length;
            runCount--;
            if (t == ksoftirqdTask) {
                if (pending == 0) {
                    taskState[t] = SLEEPING;
                    continue;
                }
                taskState[t] = RUNNING;
                currentTask = t;
                counters.increment(CpuThreadCounter.TASK_STEPS);
                beginDoSoftirq(nowNs, true);
                return;
            }
            runTaskStep(t, nowNs);
            return;
        }
    }

    private void runTaskStep(final int t, final long nowNs) {
        state = CpuContext.TASK;
        currentTask = t;
        taskState[t] = RUNNING;
        taskRerun[t] = false;
        counters.increment(CpuThreadCounter.TASK_STEPS);
        beginCallback(CpuContext.TASK, nowNs);
        final boolean more = tasks[t].runStep(this, nowNs);
        inCallback = false;
        currentStillRunnable = more;
        scheduleEnd(nowNs + CpuCore.cyclesToNs(stepCycles, core.clockHz()));
    }

    private void taskStepEnd(final long nowNs) {
        final int t = currentTask;
        currentTask = NO_TASK;
        state = CpuContext.IDLE;
        if (currentStillRunnable || taskRerun[t]) {
            enqueue(t);
        } else {
            taskState[t] = SLEEPING;
        }
        if (taskBhDisabled[t] && pending != 0) {
            beginDoSoftirq(nowNs, false);
            return;
        }
        dispatch(nowNs);
    }

    private void beginDoSoftirq(final long nowNs, final boolean inKsoftirqd) {
        state = CpuContext.SOFTIRQ;
        softirqInKsoftirqd = inKsoftirqd;
        restartLeft = MAX_SOFTIRQ_RESTART;
        endJiffy = jiffies(nowNs) + maxSoftirqTimeJiffies;
        counters.increment(CpuThreadCounter.SOFTIRQ_ENTRIES);
        snapshot = pending;
        pending = 0;
        nextVec(nowNs);
    }

    private void nextVec(final long nowNs) {
        while (snapshot != 0) {
            final int vec = Integer.numberOfTrailingZeros(snapshot);
            snapshot &= snapshot - 1;
            if (actions[vec] == null) {
                continue;
            }
            currentVec = vec;
            counters.increment(CpuThreadCounter.SOFTIRQ_ACTIONS);
            runSoftirqStep(nowNs);
            return;
        }
        passEnd(nowNs);
    }

    private void runSoftirqStep(final long nowNs) {
        beginCallback(CpuContext.SOFTIRQ, nowNs);
        final boolean more = actions[currentVec].runStep(this, nowNs);
        inCallback = false;
        if (!more) {
            currentVec = -1;
        }
        scheduleEnd(nowNs + CpuCore.cyclesToNs(stepCycles, core.clockHz()));
    }

    private void passEnd(final long nowNs) {
        if (pending != 0) {
            if (jiffies(nowNs) < endJiffy && --restartLeft > 0) {
                counters.increment(CpuThreadCounter.SOFTIRQ_RESTARTS);
                if (trace.enabled()) {
                    trace.publish(nowNs, traceComponent, traceSoftirqRestart, -1, pending, restartLeft);
                }
                snapshot = pending;
                pending = 0;
                nextVec(nowNs);
                return;
            }
            wakeupKsoftirqd(nowNs);
        }
        state = CpuContext.IDLE;
        if (softirqInKsoftirqd) {
            softirqInKsoftirqd = false;
            final int t = ksoftirqdTask;
            currentTask = NO_TASK;
            if (pending != 0) {
                enqueue(t);
            } else {
                taskState[t] = SLEEPING;
            }
        }
        resumeOrDispatch(nowNs);
    }

    private void wakeupKsoftirqd(final long nowNs) {
        if (taskState[ksoftirqdTask] == SLEEPING) {
            counters.increment(CpuThreadCounter.KSOFTIRQD_WAKEUPS);
            if (trace.enabled()) {
                trace.publish(nowNs, traceComponent, traceKsoftirqdWake, -1, pending);
            }
            enqueue(ksoftirqdTask);
            kickIfIdle(nowNs);
        }
    }

    private void enqueue(final int t) {
        taskState[t] = QUEUED;
        runQueue[(runHead + runCount) % runQueue.length] = t;
        runCount++;
    }

    private void kickIfIdle(final long nowNs) {
        if (state == CpuContext.IDLE && !inCallback && eventId == EventLoop.NO_EVENT) {
            scheduleEnd(nowNs);
        }
    }

    private boolean inInterrupt() {
        return chargeContext == CpuContext.HARDIRQ && inCallback || state == CpuContext.HARDIRQ
            || state == CpuContext.SOFTIRQ
            || state == CpuContext.TASK && currentTask >= 0 && taskBhDisabled[currentTask];
    }

    private void beginCallback(final CpuContext ctx, final long nowNs) {
        inCallback = true;
        chargeContext = ctx;
        callbackNowNs = nowNs;
        stepCycles = 0;
    }

    private void scheduleEnd(final long atNs) {
        if (eventId != EventLoop.NO_EVENT) {
            loop.cancel(eventId);
        }
        segmentEndNs = atNs;
        eventId = loop.schedule(atNs, eventKind, id, 0);
    }

    // ================================================================ reading

    /**
     * The jiffies counter at a time (jiffy 0 starts at time 0).
     *
     * @param nowNs the time, in nanoseconds
     * @return jiffies
     */
    public long jiffies(final long nowNs) {
        return nowNs / nsPerJiffy;
    }

    /** @return the thread's index (the kernel's CPU number) */
    public int id() {
        return id;
    }

    /** @return the thread's name */
    public String name() {
        return name;
    }

    /** @return the accounting core */
    public CpuCore core() {
        return core;
    }

    /** @return the kernel's HZ */
    public int hz() {
        return hz;
    }

    /** @return the SMT sibling, or null */
    public HardwareThread sibling() {
        return sibling;
    }

    /** @return the context running now ({@link CpuContext#IDLE} when nothing runs) */
    public CpuContext context() {
        return state;
    }

    /** @return true if any work runs or waits to resume */
    public boolean busy() {
        return state != CpuContext.IDLE;
    }

    /** @return the pending softirq bits */
    public int pendingSoftirqs() {
        return pending;
    }

    /** @return the counters */
    public Counters<CpuThreadCounter> counters() {
        return counters;
    }

    /**
     * The cycles charged in a context (SMT penalty included). Softirqs run by ksoftirqd count as
     * {@link CpuContext#SOFTIRQ}, as the kernel's {@code %si} does.
     *
     * @param context the context
     * @return cycles
     */
    public long contextCycles(final CpuContext context) {
        return contextCycles[context.ordinal()];
    }

    /**
     * The softirq work that this thread's ksoftirqd ran, after {@code handle_softirqs()} gave up its restarts: what
     * {@code top} lists as {@code ksoftirqd/N} (the softirq counts it, as {@code /proc/stat}'s softirq column does:
     * {@code account_system_time}, kernel/sched/cputime.c, 6.18, files a tick with {@code in_serving_softirq()}
     * under {@code CPUTIME_SOFTIRQ}).
     *
     * @return cycles (SMT penalty included)
     */
    public long ksoftirqdSoftirqCycles() {
        return ksoftirqdSoftirqCycles;
    }

    /** @return the id of this thread's ksoftirqd task */
    public int ksoftirqdTask() {
        return ksoftirqdTask;
    }

    /**
     * @param task a task id
     * @return whether it is queued or running
     */
    public boolean taskRunnable(final int task) {
        return taskState[task] != SLEEPING;
    }

    /**
     * @param task a task id
     * @return the cycles its steps charged (SMT penalty included; ksoftirqd's softirq work counts as softirq)
     */
    public long taskCycles(final int task) {
        return taskCycles[task];
    }

    /**
     * @param task a task id
     * @return its name
     */
    public String taskName(final int task) {
        return taskNames[task];
    }

    @Override
    public String toString() {
        return "HardwareThread[" + name + ", " + state + ", pending " + pending + "]";
    }
}
