/**
 * Generic segmentation offload at transmit and the forwarding MTU check, Linux 6.18:
 * {@code validate_xmit_skb()} / {@code netif_needs_gso()} (net/core/dev.c), {@code skb_gso_segment()} with
 * {@code tcp_gso_segment()} and {@code skb_segment()} (shared with TSO: {@code io.pktsim.nic.offload.TcpSegmenter}),
 * {@code ip_forward()} / {@code ip6_forward()} MTU checks, {@code ip_finish_output_gso()} and
 * {@code ip_do_fragment()}; for PPPoE session frames OpenWrt's {@code pppoe_gso_segment()}
 * (650-net-pppoe-implement-GRO-support.patch; mainline 6.18 has no GSO handler for {@code ETH_P_PPP_SES}).
 *
 * <p>Simplifications: the ICMP errors are reported (counter and {@code IcmpNotice}), not built as packets; IPv4
 * options are not copied into fragments (GRO never aggregates packets with options); TCP GSO and UDP GSO
 * ({@code SKB_GSO_UDP_L4}: {@code __udp_gso_segment()}, and the split of a fraglist UDP aggregate,
 * {@code __udp_gso_segment_list()}) are modelled, no device segments UDP itself ({@code tx-udp-segmentation}), and
 * there is no GSO_PARTIAL and no tunnel GSO other than IP-in-IPv4; {@code gso_max_size} is compared with the
 * packet's network length.
 */
package io.pktsim.stack.gso;
