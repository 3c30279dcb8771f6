/**
 * Measurement tooling for the JMH benchmarks, no kernel mechanism: {@link io.pktsim.bench.prof.CpuTimeProfiler}
 * reports CPU time per operation, which stays meaningful on a shared, oversubscribed machine where wall-clock
 * scores are inflated by waiting for a core.
 */
package io.pktsim.bench.prof;
