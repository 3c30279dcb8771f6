/**
 * The {@code pktsim gro} and {@code pktsim gso} engines: replaying captured frames through one NAPI instance's
 * GRO ({@code io.pktsim.stack.gro}) and cutting captured super-packets with software GSO and the forwarding MTU
 * check ({@code io.pktsim.stack.gso}), Linux 6.18. The subcommands that read and write pcap files wait for the
 * pcap reader/writer in sim-core.
 */
package io.pktsim.cli.gro;
