/**
 * The {@code pktsim ecmp} subcommand: which nexthop (dial) each flow of a CSV file takes under Linux 6.18's
 * multipath hash and nexthop choice ({@code fib_multipath_hash()}, {@code rt6_multipath_hash()},
 * {@code fib_select_multipath()}, {@code fib6_select_path()}, resilient nexthop groups), with an optional
 * per-nexthop summary and the busy-dial expectation. The model is module {@code lb}'s
 * {@link io.pktsim.lb.ecmp}; this package only parses, validates and prints. A flow may carry an L4
 * {@code skb->hash} (a {@code skb_hash} column, or {@code --skb-hash ppe}: the FOE entry hash a Phicomm K2P's
 * MT7621 PPE gives a received TCP/UDP frame, module {@code nic-model}'s {@link io.pktsim.nic.ppe.PpeFlowTable}),
 * which policy 1 uses for forwarded packets instead of hashing the flow's fields.
 *
 * <p>Input is validated completely before anything is printed: bad input exits 2 with one line naming the
 * line number (or option) and what was wrong, and no rows.
 */
package io.pktsim.cli.ecmp;
