/**
 * Named random streams derived from (seed, run number, stream name).
 *
 * <p>Follows the idea of ns-3's {@code RngSeedManager} ({@code src/core/model/rng-seed-manager.h}): a
 * scenario has one seed, and independent replications of it differ only in their <em>run number</em>; every
 * source of randomness in the model is a separate stream with a stable name (for example
 * {@code "workload.flow3.arrivals"}), so adding a stream, or drawing more from one stream, never shifts the
 * draws of another. Unlike ns-3 (MRG32k3a substreams indexed by number), a stream's state is derived by
 * hashing: SipHash-2-4 keyed with (seed, run) over the stream name's UTF-8 bytes, expanded with SplitMix64
 * into the 256-bit state of a xoshiro256** generator (Blackman and Vigna, 2018).
 *
 * <p>This models no kernel mechanism: the kernel's own randomness ({@code get_random_u32()}, the
 * multipath hash seed, the TCP ISN) is drawn from such streams where the model needs it. No wall clock or
 * {@code java.util.Random} is used anywhere in model code.
 */
package io.pktsim.core.random;
