/**
 * CPU cores (hardware threads) and cycle accounting.
 *
 * <p>A {@link io.pktsim.core.cpu.CpuCore} has a clock in Hz. Work is charged to it in cycles under a
 * <em>stage</em> (hard IRQ, driver RX, GRO, IP forward, ...; registered once in {@link
 * io.pktsim.core.cpu.CpuStages} as an {@code int}, with a name for reports). A core runs its work in the order
 * it was charged and is busy until the last of it is done: a charge at time t completes at
 * {@code max(t, busyUntil) + cycles / clock}. Time is kept exactly, as whole nanoseconds plus a remainder
 * in units of 1/clock ns, so a million small charges end where one big charge of the same cycles ends.
 * {@link io.pktsim.core.cpu.CpuUtilization} reports, over a window of simulated time, the fraction of each
 * core's cycles that were spent, in total and per stage: the numbers {@code /proc/stat} reports per CPU
 * ({@code account_system_index_time()}, kernel/sched/cputime.c, Linux 6.18) and a perf profile per function.
 *
 * <p>Execution contexts: a {@link io.pktsim.core.cpu.HardwareThread} wraps a core with the kernel's precedence
 * (hard IRQ preempts everything; softirqs run at interrupt exit, restarted at most {@code MAX_SOFTIRQ_RESTART}
 * times within {@code MAX_SOFTIRQ_TIME}, then handed to ksoftirqd; tasks, ksoftirqd and threaded-NAPI kthreads
 * among them, round robin), following kernel/softirq.c {@code __do_softirq()} and {@code irq_exit()}, Linux
 * 6.18. {@link io.pktsim.core.cpu.CpuTopology} pairs SMT siblings (the two VPEs of an MT7621 core share one
 * pipeline) and reports utilization per thread, per core and as the all-threads mean that {@code top} shows.
 *
 * <p>Simplifications: no frequency scaling, no cache or memory effects beyond what a cost table charges; the
 * SMT slowdown is fixed when work is charged; {@code need_resched()} never ends softirq processing early; the
 * task scheduler is a plain round robin of steps (no CFS/EEVDF weights or slices). A bare {@code CpuCore}
 * still runs its charges in order with no preemption; the ordering across contexts lives in the thread.
 */
package io.pktsim.core.cpu;
