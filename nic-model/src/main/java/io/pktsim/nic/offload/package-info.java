/**
 * NIC offloads on the packet path, Linux 6.18: device features ({@code dev->features}, ethtool names), TCP
 * segmentation shared by TSO and software GSO ({@code tcp_gso_segment()}, {@code skb_segment()},
 * {@code skb_segment_list()}), TSO (hardware segmentation at transmit, no CPU cost), and LRO (hardware
 * aggregation with its own rules and header rewriting, after the old {@code inet_lro}), switched off by
 * {@code dev_disable_lro()} when forwarding is enabled.
 *
 * <p>Simplifications: TSO follows the kernel's software segmentation rules exactly (real NICs may differ in
 * IP ID handling with MANGLEID); LRO follows the removed software {@code inet_lro} (IPv4/TCP only) as a
 * stand-in for vendor rules; segments copy only the payload bytes a slot stores.
 */
package io.pktsim.nic.offload;
