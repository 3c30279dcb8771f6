/**
 * Simulated time and the discrete-event loop.
 *
 * <p>Time is a {@code long} of nanoseconds. Events are primitive tuples (time, sequence, kind, target,
 * argument) in preallocated arrays; a handler is registered once per kind when the model is built, so
 * scheduling, cancelling and dispatching allocate nothing once the arrays have reached their working size.
 * Equal-time events run in the order they were scheduled, which is what makes a run reproducible.
 *
 * <p>This is the simulator's own machinery: it models no kernel function. Kernel timers that it carries
 * (interrupt coalescing, {@code gro_flush_timeout}, hrtimers, TCP RTO) are scheduled and cancelled here.
 */
package io.pktsim.core.event;
