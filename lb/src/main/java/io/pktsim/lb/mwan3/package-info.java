/**
 * mwan3 (OpenWrt packages net/mwan3, v2.7.5 of 2018 to v2.12.x): per-connection load balancing by iptables
 * rules. Models the policy chain that {@code mwan3_set_policy()} builds (the first lowest-metric member gets
 * the unconditional fallback rule, every further one is inserted at the head with {@code -m statistic --mode
 * random --probability weight/running_total}, the probability written with three decimals and turned into a
 * 31-bit threshold by libxt_statistic ({@code lround(2^31 * p)}), matched by xt_statistic as
 * {@code (random & 0x7fffffff) < threshold}); sticky rules (source address remembered in an ipset with a
 * timeout); the interface-id limit of the mark mask ({@code mmx_mask}, default 0x3F00: 2^6 - 1 - 3 = 60);
 * and the rule evaluations a packet costs, new and established, for the CPU model.
 *
 * <p>Simplifications: one policy and one rule per instance; interfaces are online or offline (mwan3track's
 * hysteresis is not modelled); sticky entries are keyed by IPv4 source address; random numbers come from a
 * seeded stream, not the kernel's.
 */
package io.pktsim.lb.mwan3;
