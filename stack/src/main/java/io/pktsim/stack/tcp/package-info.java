/**
 * TCP header work the forwarding path does on the way through: OpenWrt's {@code mtu_fix} MSS clamping
 * ({@code xt_TCPMSS --clamp-mss-to-pmtu}, net/netfilter/xt_TCPMSS.c, Linux 6.18).
 *
 * <p>Simplifications: the MTUs of the forward and reverse routes are passed in (no route lookup here); the
 * option is only added when the whole segment is stored in the packet slot.
 */
package io.pktsim.stack.tcp;
