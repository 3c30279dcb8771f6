/**
 * The driver side of NAPI and the stack above it, priced by a device profile's cost table: the calibration
 * paths above GRO ({@code __netif_receive_skb()}, {@code ip_rcv()}, the raw table, {@code ip_forward()} on a
 * single route, Linux 6.18) and the mtk_eth_soc-style RX/TX NAPI adapters over the NIC model's queues.
 *
 * <p>Deliberate simplifications: the stack beyond these stages (conntrack, NAT, netfilter rules, qdiscs) is not
 * here; costs are linear per packet and per byte.
 */
package io.pktsim.stack.driver;
