package io.pktsim.stack.napi;

import io.pktsim.core.counter.Counters;
import io.pktsim.core.cpu.HardwareThread;
import io.pktsim.core.cpu.SoftirqAction;

/**
 * One CPU's {@code struct softnet_data} (include/linux/netdevice.h, Linux 6.18): its poll list, the
 * {@code NET_RX_SOFTIRQ} action {@code net_rx_action()}, its input backlog with the backlog NAPI
 * ({@code process_backlog()}), its pending RPS IPIs and its {@code softnet_stat} counters.
 *
 * <p>{@code net_rx_action()} runs as steps of the CPU's softirq, one {@code napi_poll()} per step, so simulated
 * time passes between polls: it splices the poll list, polls the first instance with its weight, subtracts the
 * work from {@code netdev_budget}, and after each poll stops if the budget is used up or
 * {@code jiffies >= start + usecs_to_jiffies(netdev_budget_usecs)} (counting {@code time_squeeze}). An instance
 * that used its whole weight goes on the repoll list, which is appended after the instances left unpolled and
 * those scheduled meanwhile; a non-empty list raises {@code NET_RX_SOFTIRQ} again. Each instance is polled at
 * most once per run.
 */
public final class SoftnetData implements SoftirqAction {

    final Softnet softnet;
    final int cpu;
    final HardwareThread thread;
    final NapiList pollList = new NapiList();
    private final NapiList local = new NapiList();
    private final NapiList repoll = new NapiList();
    private final Counters<SoftnetCounter> counters = new Counters<>(SoftnetCounter.class);
    final NapiInstance backlog;
    int traceComponent;

    // net_rx_action
    private boolean inRun;
    private boolean pollDone;
    private int budget;
    private long timeLimitJiffy;
    private int runPolls;
    boolean inThreadedPoll;
    boolean lastRepoll;

    // input backlog: process entries [procHead, procHead + procLen), then the input entries
    private final int[] queue;
    private final int queueMask;
    private int procHead;
    private int procLen;
    private int inputLen;

    // RPS IPIs to send
    private final boolean[] ipiMarked;
    private final int[] ipiList;
    private int ipiCount;

    SoftnetData(final Softnet softnet, final int cpu, final HardwareThread thread, final int cpus,
        final int maxBacklog, final int devWeight) {
        this.softnet = softnet;
        this.cpu = cpu;
        this.thread = thread;
        int cap = 2;
        while (cap < 2 * (maxBacklog + 1)) {
            cap <<= 1;
        }
        this.queue = new int[cap];
        this.queueMask = cap - 1;
        this.ipiMarked = new boolean[cpus];
        this.ipiList = new int[cpus];
        this.backlog = new NapiInstance(softnet, -1 - cpu, "backlog/" + cpu, cpu, devWeight, this::processBacklog,
            null);
    }

    void ensureCapacity(final int instances) {
        pollList.ensureCapacity(instances);
        local.ensureCapacity(instances);
        repoll.ensureCapacity(instances);
    }

    /**
     * One step of {@code net_rx_action()} (net/core/dev.c, 6.18): begin a run, or check the budget and the time
     * limit after the previous poll, then poll the next instance.
     *
     * @param cpu the hardware thread (this softnet's CPU)
     * @param nowNs the simulated time, in nanoseconds
     * @return true while the run continues
     */
    @Override
    public boolean runStep(final HardwareThread cpu, final long nowNs) {
        final Softnet sn = softnet;
        if (!inRun) {
            inRun = true;
            pollDone = false;
            budget = sn.knobs.netdevBudget();
            timeLimitJiffy = thread.jiffies(nowNs) + sn.budgetJiffies;
            runPolls = 0;
            local.spliceTailFrom(pollList);
            counters.increment(SoftnetCounter.NET_RX_ACTIONS);
            if (sn.costs.netRxActionCycles() != 0) {
                thread.charge(sn.stageNetRxAction, sn.costs.netRxActionCycles());
            }
            sn.traceNetRxAction(this, budget, timeLimitJiffy, local.size(), nowNs);
        } else if (pollDone) {
            pollDone = false;
            final boolean outOfBudget = budget <= 0;
            final boolean outOfTime = thread.jiffies(nowNs) >= timeLimitJiffy;
            if (outOfBudget || outOfTime) {
                counters.increment(SoftnetCounter.TIME_SQUEEZE);
                counters.increment(outOfBudget ? SoftnetCounter.BUDGET_EXHAUSTED : SoftnetCounter.TIME_LIMIT);
                sn.traceTimeSqueeze(this, budget, outOfTime, runPolls, nowNs);
                endRun(nowNs);
                return false;
            }
        }
        if (local.isEmpty()) {
            if (!repoll.isEmpty() || pollList.isEmpty()) {
                endRun(nowNs);
                return false;
            }
            // net_rx_action(), 6.18: with nothing to repoll, an instance ____napi_schedule() put on the poll list
            // during the run (a backlog that netif_rx() or RPS to this CPU filled) is polled in the same run, with
            // the budget and time limit left ("goto start"), not in a run of its own
            local.spliceTailFrom(pollList);
        }
        final NapiInstance n = local.removeHead();
        final int work = pollOnce(n, nowNs);
        budget -= work;
        runPolls++;
        counters.increment(SoftnetCounter.POLLS);
        if (lastRepoll) {
            repoll.addTail(n);
            counters.increment(SoftnetCounter.REPOLLS);
            sn.traceRepoll(n, work, nowNs);
        }
        pollDone = true;
        return true;
    }

    /**
     * {@code napi_poll()} / {@code __napi_poll()}: charges the poll overhead, calls the driver with the weight,
     * and for a poll that used its whole weight flushes GRO ({@link io.pktsim.stack.gro.GroTable#onPollEnd}) and
     * sets {@link #lastRepoll}.
     */
    int pollOnce(final NapiInstance n, final long nowNs) {
        final Softnet sn = softnet;
        if (sn.costs.napiPollCycles() != 0) {
            thread.charge(sn.stageNapiPoll, sn.costs.napiPollCycles());
        }
        final int weight = n.weight;
        n.counters.increment(NapiCounter.POLLS);
        final int work = n.poll.poll(n, weight, nowNs);
        if (work < 0 || work > weight) {
            throw new IllegalStateException("NapiInstance " + n.name + " at " + nowNs + " ns: poll returned " + work
                + " with weight " + weight);
        }
        n.counters.add(NapiCounter.WORK, work);
        sn.tracePoll(n, work, weight, budget - work, nowNs);
        lastRepoll = false;
        if (work < weight) {
            return work;
        }
        n.counters.increment(NapiCounter.FULL_WEIGHT_POLLS);
        if (n.gro != null) {
            n.gro.onPollEnd(work, weight, nowNs);
        }
        lastRepoll = true;
        return work;
    }

    private void endRun(final long nowNs) {
        // list = unpolled + scheduled meanwhile + repoll, back onto the poll list
        local.spliceTailFrom(pollList);
        local.spliceTailFrom(repoll);
        pollList.spliceTailFrom(local);
        inRun = false;
        if (!pollList.isEmpty()) {
            thread.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, nowNs);
        }
        sendIpis(nowNs);
    }

    /** {@code net_rps_send_ipi()}: the IPIs queued by {@code napi_schedule_rps()}. */
    void sendIpis(final long nowNs) {
        final int n = ipiCount;
        for (int i = 0; i < n; i++) {
            final int target = ipiList[i];
            ipiMarked[target] = false;
            counters.increment(SoftnetCounter.IPIS_SENT);
            softnet.sendIpi(this, target, nowNs);
        }
        ipiCount = 0;
    }

    /** {@code napi_schedule_rps()}: an IPI for a remote backlog, or a local schedule. */
    void scheduleRps(final SoftnetData target, final long nowNs) {
        if (target != this) {
            if (!ipiMarked[target.cpu]) {
                ipiMarked[target.cpu] = true;
                ipiList[ipiCount++] = target.cpu;
            }
            if (!inRun && !inThreadedPoll) {
                thread.raiseSoftirq(HardwareThread.NET_RX_SOFTIRQ, nowNs);
            }
            return;
        }
        softnet.napiScheduleOwned(backlog, nowNs);
    }

    /**
     * {@code enqueue_to_backlog()}'s test and enqueue on this (target) CPU.
     *
     * @return false if dropped
     */
    boolean enqueue(final SoftnetData from, final int packet, final long nowNs) {
        final int qlen = inputLen;
        if (qlen > softnet.knobs.netdevMaxBacklog()) {
            counters.increment(SoftnetCounter.DROPPED);
            softnet.traceBacklogDrop(this, packet, qlen, nowNs);
            return false;
        }
        if (qlen == 0 && (backlog.state & NapiInstance.NAPI_STATE_SCHED) == 0) {
            backlog.state |= NapiInstance.NAPI_STATE_SCHED;
            from.scheduleRps(this, nowNs);
        }
        queue[(procHead + procLen + inputLen) & queueMask] = packet;
        inputLen++;
        counters.increment(SoftnetCounter.BACKLOG_ENQUEUED);
        return true;
    }

    /** {@code process_backlog()} (net/core/dev.c, 6.18): the backlog NAPI's poll, with {@code dev_weight}. */
    private int processBacklog(final NapiInstance napi, final int quota, final long nowNs) {
        final Softnet sn = softnet;
        final long perPacket = sn.costs.backlogPacketCycles();
        int work = 0;
        while (true) {
            while (procLen > 0) {
                final int packet = queue[procHead];
                procHead = (procHead + 1) & queueMask;
                procLen--;
                if (perPacket != 0) {
                    thread.charge(sn.stageBacklog, perPacket);
                }
                counters.increment(SoftnetCounter.PROCESSED);
                sn.backlogSink.receive(cpu, packet, nowNs);
                if (++work >= quota) {
                    return work;
                }
            }
            if (inputLen == 0) {
                napi.state &= NapiInstance.NAPI_STATE_THREADED;
                return work;
            }
            procLen = inputLen;
            inputLen = 0;
        }
    }

    /** Called when the backlog NAPI is scheduled by an IPI: {@code rps_trigger_softirq()}. */
    void receivedRps() {
        counters.increment(SoftnetCounter.RECEIVED_RPS);
    }

    /**
     * Counts a packet received into the stack on this CPU ({@code __netif_receive_skb_core()}'s
     * {@code processed}): the driver path calls it; the backlog path counts its own.
     */
    public void countProcessed() {
        counters.increment(SoftnetCounter.PROCESSED);
    }

    /** @return the softnet_stat counters */
    public Counters<SoftnetCounter> counters() {
        return counters;
    }

    /** @return the CPU number */
    public int cpu() {
        return cpu;
    }

    /** @return the hardware thread */
    public HardwareThread thread() {
        return thread;
    }

    /** @return the backlog NAPI instance */
    public NapiInstance backlog() {
        return backlog;
    }

    /** @return packets in the input backlog (input plus process queue) */
    public int backlogLength() {
        return procLen + inputLen;
    }

    /** @return instances on the poll list now (outside a run) */
    public int pollListLength() {
        return pollList.size();
    }

    /** @return true while {@code net_rx_action()} runs */
    public boolean inNetRxAction() {
        return inRun;
    }
}
