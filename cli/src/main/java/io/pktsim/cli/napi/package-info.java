/**
 * {@code pktsim explain napi}: a small built-in scenario (a constant-rate source, a NIC port, an mtk_eth_soc-style
 * RX/TX NAPI driver, the stack priced by a device profile) run with the trace bus on, and its events narrated in
 * plain words or printed as JSON lines. The mechanisms are those of Linux 6.18 as modelled by the nic-model and
 * stack modules. Simplifications: one source of one packet size, RX queues all on cpu0, forwarding on a single
 * route (or a raw-table drop), the egress port's interrupt on a line of its own.
 */
package io.pktsim.cli.napi;
