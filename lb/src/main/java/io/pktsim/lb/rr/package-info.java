/**
 * Per-packet multipath as IPv4 did it from Linux 3.6 (route cache removed) to 4.3 (hash-based multipath
 * in 4.4): {@code fib_select_multipath()} of those kernels (net/ipv4/fib_semantics.c, e.g. 4.3) spread
 * every packet by a weighted credit scheme started at {@code jiffies % total_power}, so one TCP connection's
 * packets alternate between paths and arrive reordered when the paths' delays differ. For teaching; not a
 * 6.18 behaviour.
 *
 * <p>Simplification: the kernel's spin lock and per-CPU races are not modelled; {@code jiffies} is simulated
 * time divided by the tick.
 */
package io.pktsim.lb.rr;
