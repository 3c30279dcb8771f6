/**
 * {@code pktsim gro} and {@code pktsim gso} (docs/gro.md, docs/gso.md): replaying the frames of a pcap
 * capture through one NAPI instance's GRO ({@code io.pktsim.stack.gro.GroTable}: {@code napi_gro_receive()},
 * {@code napi_complete_done()}, the {@code gro_flush_timeout} hrtimer; net/core/gro.c and net/core/dev.c,
 * Linux 6.18), and cutting captured TCP super-packets with software GSO after the forwarding MTU check
 * ({@code io.pktsim.stack.gso.ForwardOutput}: {@code ip_forward()}, {@code ip_finish_output_gso()},
 * {@code skb_gso_segment()}; net/ipv4/ip_forward.c, net/ipv4/ip_output.c, net/core/gso.c, Linux 6.18).
 *
 * <p>Simplifications: a driver poll is made of the frames that share a capture timestamp (split at the
 * weight), with no interrupt-coalescing model; with {@code napi_defer_hard_irqs}, frames of several
 * timestamps that wait for the same timer poll are polled one timestamp after the other; the receive hash
 * of {@code --rx-hash l4} is an FNV-style hash of addresses and ports, not Toeplitz (only the bucket spread
 * matters); GSO replays every frame as a forwarded packet on a device without TSO. Everything here runs once
 * per command, off the hot path, and allocates freely.
 */
package io.pktsim.cli.gro;
