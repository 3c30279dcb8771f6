/**
 * {@code pktsim run}: a scenario mapped onto the router engine ({@link io.pktsim.lb.router.RouterSimulation}),
 * run with progress reporting, and its results written as a human summary and a deterministic JSON document
 * (docs/results.md). Models no kernel mechanism itself; the figures are the engine's, measured after the warm-up,
 * following Linux 6.18 as the engine does. Simplifications: one simulation per command (sweeps are separate);
 * wall-clock figures appear only under the top-level key {@code wall}, and only with {@code --wall}.
 */
package io.pktsim.cli.run;
