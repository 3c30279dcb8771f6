/**
 * Device profiles and cost tables: the model behind the YAML profiles ({@code mt7621}, {@code mt7620},
 * {@code x86}) that name a machine's CPUs, its NIC driver's rings and coalescing defaults, its NAPI knobs
 * (Linux 6.18 defaults) and the cycles each stage of the packet path costs.
 *
 * <p>Deliberate simplifications: a cost is linear (per event + per packet + per byte) in each stage, with no
 * cache-miss or frequency effects; the starting values come from router-facts.md sections 12 and 13 (the XDP
 * paper's x86 figures, the MT7621 estimates derived from them) and are to be fitted against the calibration
 * targets of section 14.
 */
package io.pktsim.stack.profile;
