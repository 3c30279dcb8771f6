/**
 * The net devices of a PPPoE multi-dial router with real header bytes: 802.1Q VLAN devices
 * ({@code net/8021q}), macvlan ({@code drivers/net/macvlan.c}: one MAC per dial, demux by destination MAC,
 * broadcasts cloned per macvlan), PPPoE session devices ({@code drivers/net/ppp/pppoe.c},
 * {@code ppp_generic.c}: 8-byte encapsulation, MTU 1492, transmit serialised per PPP unit) and loopback
 * ({@code drivers/net/loopback.c}), with the {@code IFF_UP} state, per-device counters and the notifier
 * chains a redial drives, following Linux 6.18.
 *
 * <p>Simplifications: one macvlan mode (frames never hairpin between siblings); no PPPoE discovery, LCP or
 * multilink; VLAN tags are always in the frame (never in {@code skb->vlan_tci}); no qdisc, {@code dev->xmit_lock}
 * or carrier state on these devices (the caller queues and transmits); the per-device CPU cost is charged by
 * the caller from the cost table, these classes only do the header work and the counting.
 */
package io.pktsim.stack.netdev;
