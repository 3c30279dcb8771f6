/**
 * TCP and UDP endpoints of the simulated hosts (clients and servers), following Linux 6.18: the three-way
 * handshake with the MSS option from the interface MTU, window scaling and timestamps
 * ({@code net/ipv4/tcp_output.c} {@code tcp_connect}, {@code tcp_input.c} {@code tcp_conn_request}); slow
 * start and congestion avoidance with Reno ({@code net/ipv4/tcp_cong.c}) or CUBIC ({@code net/ipv4/tcp_cubic.c},
 * RFC 9438, with HyStart's ACK-train and delay detectors and the pacing rate they read from
 * {@code tcp_update_pacing_rate}); NewReno fast retransmit and fast recovery (RFC 6582); the retransmission
 * timer of RFC 6298 ({@code net/ipv4/tcp_timer.c}, {@code TCP_RTO_MIN} 200 ms, initial 1 s); delayed ACKs
 * ({@code __tcp_ack_snd_check}, {@code TCP_DELACK_MIN} 40 ms); the receive window; FIN teardown; IPv6 flow
 * labels per socket ({@code ip6_make_flowlabel}, {@code auto_flowlabels}).
 *
 * <p>Every segment is a real frame in the {@link io.pktsim.core.packet.PacketStore}: Ethernet, IPv4 or IPv6,
 * TCP with options, correct checksums; the payload is counted, not stored. Nothing allocates per packet.
 *
 * <p>Deliberate simplifications: no SACK, D-SACK, RACK or PRR; no TSO/GSO at the endpoint (one segment per
 * packet); no quick-ACK mode, fixed delayed-ACK timeout; the application reads instantly (no receive-buffer
 * autotuning: the advertised window is the configured buffer); no TIME_WAIT, RST or simultaneous open; RTT
 * sampled once per window on a timed segment (Karn's rule) instead of on every ACK; CUBIC's target computed
 * in double precision from nanoseconds instead of jiffies. docs/workloads.md lists them with their effect.
 */
package io.pktsim.stack.endpoint;
