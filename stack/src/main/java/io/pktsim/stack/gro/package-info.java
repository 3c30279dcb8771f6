/**
 * Generic receive offload (GRO) of one NAPI instance, as Linux 6.18 does it for TCP (and, with fraglist GRO or
 * {@code rx-udp-gro-forwarding}, UDP) over IPv4, IPv6 and IPv4-in-IPv4: {@code net/core/gro.c}
 * ({@code dev_gro_receive}, {@code napi_gro_flush}, {@code gro_normal_list}), {@code net/ipv4/af_inet.c}
 * ({@code inet_gro_receive}), {@code net/ipv6/ip6_offload.c} ({@code ipv6_gro_receive}),
 * {@code net/ipv4/tcp_offload.c} ({@code tcp_gro_receive}, fraglist GRO), {@code net/ipv4/udp_offload.c} and
 * {@code net/ipv6/udp_offload.c} (UDP GRO of forwarded datagrams, fraglist with {@code rx-gro-list}, merging their
 * payload with {@code rx-udp-gro-forwarding}: {@code udp4_gro_receive}, {@code udp_gro_receive},
 * {@code udp_gro_receive_segment}, {@code udp4_gro_complete}, {@code udp_gro_complete} and their IPv6 twins),
 * {@code include/net/gro.h} ({@code inet_gro_flush}) and the GRO part of {@code napi_complete_done} /
 * {@code __napi_poll} ({@code net/core/dev.c}), following the rule book
 * {@code shared/reference/linux-gro-gso.md} (checked against a live 6.18 kernel). Optionally
 * ({@code GroConfig.pppoeGro}) OpenWrt's PPPoE session handler, {@code pppoe_gro_receive} / {@code pppoe_gro_complete}
 * (drivers/net/ppp/pppoe.c with 650-net-pppoe-implement-GRO-support.patch), which mainline 6.18 lacks.
 *
 * <p>Simplifications: UDP only with {@code rx-gro-list} (fraglist GRO) or {@code rx-udp-gro-forwarding} (GRO that
 * merges the payload of datagrams without a local socket; without both UDP bypasses): no local sockets, so none
 * with {@code UDP_GRO} and no UDP tunnel GRO (no encapsulation socket is ever found); no VLAN GRO (the test kernel
 * had no CONFIG_VLAN_8021Q), no tunnel GRO other than IPv4
 * outer headers carrying IPv4 or IPv6, no XDP metadata, socket, conntrack or tc extension comparisons
 * ({@code slow_gro}), no TLS-offload "decrypted" state, no busy polling. Merged segments
 * are freed (their payload counted in the aggregate's length) unless {@link io.pktsim.stack.gro.GroConfig}
 * asks to chain them; {@code CHECKSUM_COMPLETE}'s {@code skb->csum} is taken to cover the TCP segment
 * (or UDP datagram) only.
 * Jiffies are simulated time divided by 10^9 / HZ, starting at 0.
 */
package io.pktsim.stack.gro;
