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
 * <p>Simplifications, for now: one context per core, no preemption (a hard IRQ does not interrupt a
 * softirq's work), no frequency scaling, no cache or memory effects beyond what a cost table charges.
 * Execution contexts with the kernel's precedence (hard IRQ, softirq, ksoftirqd, tasks), device profiles
 * and cost tables come with the NAPI model; they will be added as a context argument of
 * {@link io.pktsim.core.cpu.CpuCore#charge(long, int, long)}'s overloads, leaving this contract in place.
 */
package io.pktsim.core.cpu;
