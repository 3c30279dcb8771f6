/**
 * Scenario files: the YAML a capacity planner writes (device preset and profile overrides, WAN lines with
 * their VLANs, macvlan PPPoE dials, shaping, MTU and RTT, balancing, offload, firewall, qdisc, workload,
 * duration, warm-up, seed and outputs), read strictly into the resolved {@link
 * io.pktsim.cli.scenario.Scenario} with every default filled in, and rendered back as YAML. Models no kernel
 * mechanism itself; knobs keep the kernel's names ({@code netdevBudget}, {@code devWeight},
 * {@code groFlushTimeout}, {@code fibMultipathHashPolicy}, {@code nf_conntrack_max} as {@code conntrackMax})
 * and the limits the kernel (6.18), RFC 2516 and mwan3 impose are checked before anything runs.
 * Simplifications: all dials of a line share one shaping and one MTU; one WAN port per device.
 */
package io.pktsim.cli.scenario;
