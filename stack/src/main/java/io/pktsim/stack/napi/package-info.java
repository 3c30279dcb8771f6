/**
 * NAPI and the per-CPU softnet machinery (net/core/dev.c, kernel/softirq.c and Documentation/networking/napi.rst,
 * Linux 6.18): {@link io.pktsim.stack.napi.NapiInstance} ({@code struct napi_struct}: weight, SCHED/MISSED state,
 * poll callback, its own GRO, {@code napi_schedule()} and {@code napi_complete_done()}),
 * {@link io.pktsim.stack.napi.SoftnetData} ({@code struct softnet_data}: poll list, {@code net_rx_action()} with
 * {@code netdev_budget} and {@code netdev_budget_usecs}, repoll, {@code time_squeeze}, the input backlog and
 * {@code process_backlog()}), and {@link io.pktsim.stack.napi.Softnet} (RPS IPIs, threaded NAPI kthreads, the
 * {@code gro_flush_timeout} hrtimer behind {@code napi_defer_hard_irqs}). The softirq loop and ksoftirqd are the
 * CPU's ({@link io.pktsim.core.cpu.HardwareThread}).
 *
 * <p>Deliberate simplifications: a NAPI instance is bound to one CPU (its interrupt's affinity; no IRQ
 * migration); busy polling, {@code napi_disable()} races, netpoll and the RPS flow limit are not modelled;
 * {@code process_backlog} has no backlog threads ({@code use_backlog_threads()} is PREEMPT_RT only); a poll's
 * logic happens at its start and its cycles then occupy the CPU; the budget and the time limit are checked after
 * a poll's cycles have run, as the kernel checks them after the poll returns.
 */
package io.pktsim.stack.napi;
