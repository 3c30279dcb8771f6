/**
 * Connection tracking and masquerade (source NAT to a dial's address, NAT6 too) for TCP and UDP over IPv4 and
 * IPv6, after
 * net/netfilter/nf_conntrack_core.c, nf_conntrack_proto_tcp.c, nf_conntrack_proto_udp.c, nf_nat_core.c,
 * nf_nat_proto.c and nf_nat_masquerade.c of Linux 6.18: the TCP state table and timeouts, the UDP
 * unreplied/stream timeouts and assurance, {@code nf_conntrack_max} with {@code early_drop}, the NAT source-port
 * choice, and the cleanup of masqueraded connections when their dial goes down or loses its address.
 *
 * <p>Simplifications: TCP and UDP only (everything else, and IPv4/IPv6 fragments, is untracked); no TCP window
 * tracking
 * ({@code tcp_in_window}), retransmission or unacknowledged-data timeouts; no helpers, expectations, zones or
 * {@code find_appropriate_src} (a source port already mapped for another destination is not reused on
 * purpose); {@code early_drop} looks at the 8 occupied slots after the new tuple's home slot in one
 * open-addressed table instead of 8 hash chains; expired entries are reaped when met or by {@link
 * io.pktsim.stack.conntrack.ConntrackTable#gc}; the masquerade cleanup runs at once instead of in a work item;
 * a reopened TIME_WAIT connection reuses its entry; an IPv6 address removal is only seen as the device going
 * down.
 */
package io.pktsim.stack.conntrack;
