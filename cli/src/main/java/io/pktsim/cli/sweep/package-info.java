/**
 * {@code pktsim sweep}: a grid of scenario variants (the cross product of {@code --set KEY=V1,V2,...} and
 * {@code --seeds N}), each validated by the scenario loader, run on a fixed pool of worker threads (one
 * single-threaded {@link io.pktsim.lb.router.RouterSimulation} per point) and streamed through a JCTools MPSC queue
 * to one writer thread, which writes results.csv and results.jsonl in point order so that the files do not depend
 * on the thread count and an interrupted sweep resumes after its last complete row (docs/sweeps.md). Models no
 * kernel mechanism itself; the figures are the engine's (Linux 6.18 as the engine follows it). Simplifications: a
 * swept value is one YAML scalar (no lists or mappings); the scenario's {@code outputs} (JSON, pcap, trace) are
 * not written by a sweep.
 */
package io.pktsim.cli.sweep;
