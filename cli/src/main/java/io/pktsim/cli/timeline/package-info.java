/**
 * {@code pktsim timeline}: turns a decision trace ({@code pktsim run --trace}, JSON lines) into one self-contained
 * HTML page: a lane per CPU, RX queue, component and flow, each decision a mark at its simulated time, with its
 * numbers and what it means on hover, zoom and pan, and the window's events as a table. See docs/timeline.md.
 *
 * <p>Models no kernel mechanism: it shows the engine's trace events, which stand for the kernel's tracepoints.
 */
package io.pktsim.cli.timeline;
