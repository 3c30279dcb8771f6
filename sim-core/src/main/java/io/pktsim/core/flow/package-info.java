/**
 * Flow keys: the addresses, protocol, ports and IPv6 flow label of a packet, read from its header bytes
 * without allocating. Models the fields of {@code struct flow_keys} that the flow dissector
 * ({@code __skb_flow_dissect()}, net/core/flow_dissector.c, Linux 6.18) fills for the multipath hash,
 * RSS, GRO and conntrack.
 *
 * <p>Simplifications: one level of IP-in-IP / IPv6-in-IP is recorded as the inner key; GRE, VXLAN and
 * MPLS are not dissected.
 */
package io.pktsim.core.flow;
