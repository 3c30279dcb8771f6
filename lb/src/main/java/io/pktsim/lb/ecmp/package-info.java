/**
 * Linux ECMP, bit for bit (Linux 6.18): the multipath hash of IPv4 ({@code fib_multipath_hash()},
 * net/ipv4/route.c) and IPv6 ({@code rt6_multipath_hash()}, net/ipv6/route.c) with hash policies 0-3,
 * {@code fib_multipath_hash_fields} and {@code fib_multipath_hash_seed}; weights to upper bounds
 * ({@code fib_rebalance()}); the nexthop choice of classic IPv4 routes ({@code fib_select_multipath()},
 * net/ipv4/fib_semantics.c, with the 6.18 source-address score), of IPv6 sibling routes
 * ({@code fib6_select_path()}), of hash-threshold nexthop-object groups and of resilient groups
 * (net/ipv4/nexthop.c); and the device events that change them.
 *
 * <p>Verified against a live 6.18.44 kernel by {@code LiveKernelConformanceTest} (forwarding-path IPv4,
 * flow-path IPv6, policies 0-3, 2/8/64 nexthops) and against {@code ecmp-hash-vectors.csv} stage by stage.
 *
 * <p>Speed without approximation ({@code docs/ecmp.md}): the SipHash state after the image's constant words
 * 0..2 is precomputed per protocol (a pure function of seed and word 0), {@link io.pktsim.lb.ecmp.SipState}
 * hashes the rest in inlinable steps from a copy of the last prefix used, and the hash-threshold choice is one
 * read of a 256-slice table ({@link io.pktsim.lb.ecmp.UpperBounds#chooseInPackedTable}). Nothing is cached per flow.
 * Flows in bulk ({@link io.pktsim.lb.ecmp.MultipathHash#hashAll},
 * {@link io.pktsim.lb.ecmp.EcmpSelector#selectNexthops}) are hashed in one loop, IPv6 flows two at a time with
 * their SipRounds interleaved ({@link io.pktsim.lb.ecmp.SipPair}), with the same values as one call per flow.
 *
 * <p>Simplifications: the flow dissector's output is taken from {@link io.pktsim.core.flow.FlowKey} (one
 * level of encapsulation); fib rules that force an early dissection ({@code fib4_rules_early_flow_dissect})
 * are not modelled (IPv6 policy 0 then hashes the dissected protocol and a CPU-order label); the seed 0 is
 * modelled literally, whereas a kernel draws a boot-random seed for 0; IPv6 neighbour checks that apply only
 * with forwarding disabled are not modelled; resilient-group timers run in exact nanoseconds, not jiffies.
 */
package io.pktsim.lb.ecmp;
