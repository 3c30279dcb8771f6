/**
 * Software flow offload: the nftables flowtable ({@code nf_flowtable}, net/netfilter/nf_flow_table_*.c and
 * nft_flow_offload.c, Linux 6.18) that OpenWrt's fw4 fills with {@code flow add @ft}: which connections enter
 * (TCP once established and assured, UDP once confirmed), the ingress fast path that skips routing, netfilter,
 * conntrack and mwan3, the 30 s idle timeout, FIN/RST marking a flow closing, and teardown back to conntrack.
 *
 * With {@code flags offload} ({@link io.pktsim.stack.flowtable.FlowTable#hardwareOffload}) every flow is also
 * offered per direction to a {@link io.pktsim.stack.flowtable.HardwareOffload}, e.g. the MT7621 PPE through
 * {@link io.pktsim.stack.flowtable.PpeHardwareOffload}, and the hardware's last use keeps the flow alive.
 *
 * <p>Simplifications: IPv6 extension headers are not offloaded; preallocated capacity; the caller transmits
 * (through the egress device's qdisc, as the kernel's neighbour/direct transmit does); hardware offload is
 * offered synchronously (the kernel uses a work queue) and the forward-path facts of each egress device are
 * given, not discovered.
 */
package io.pktsim.stack.flowtable;
