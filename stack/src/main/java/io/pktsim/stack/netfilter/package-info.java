/**
 * The cost side of netfilter: how many rules a forwarded packet is evaluated against under OpenWrt's fw3
 * (iptables, {@code ipt_do_table}'s linear walk) and fw4 (nftables, {@code nft_do_chain} with set lookups),
 * growing with the number of dial devices as router-facts.md section 7 derives it, for the CPU model to charge
 * per rule. Linux 6.18 semantics: the nat table is only walked by a connection's first packet, an established
 * packet is accepted by the first conntrack-state rule, flowtable and PPE packets skip every chain.
 *
 * <p>Simplifications: counts, not rule matching (no rule is executed); rule counts are [DER] from the
 * generated rulesets with one LAN device and no user rules; a set lookup and a linear rule cost the same here
 * (the CPU model may weight them).
 */
package io.pktsim.stack.netfilter;
