/**
 * The trace bus: what the model decides, event by event, leaves the simulation thread through an LMAX
 * Disruptor ring to sinks running on their own threads: a JSON-lines file ({@link
 * io.pktsim.core.trace.JsonLinesTraceSink}). The HTML timeline is drawn from that file by {@code pktsim timeline}
 * (cli) rather than by a second sink, so that a window can be chosen, and drawn again, after the run; the pcap taps
 * and the counters are written by the model itself.
 *
 * <p>A trace event is a fixed record (time in ns, component id, kind id, packet handle, up to five {@code long}
 * numbers, {@link io.pktsim.core.trace.TraceNames#MAX_ARGS}) written into a preallocated, mutable {@link
 * io.pktsim.core.trace.TraceEvent} of a single-producer {@code RingBuffer}; components and kinds are registered once,
 * by name, in {@link io.pktsim.core.trace.TraceNames}, so events carry small {@code int}s and sinks print names. With
 * no sink attached a trace point costs one branch: {@code if (trace.enabled()) { trace.publish(...); }}. Publishing
 * allocates nothing. One producer means every sink sees the events in the order they were published, so a trace is as
 * reproducible as the run; a full ring makes the simulation wait (no event is ever dropped).
 *
 * <p>Models no kernel mechanism itself. It plays the part of the kernel's tracepoints
 * ({@code include/trace/events/napi.h}, {@code net.h}, {@code skb.h}, Linux 6.18): the events a student would
 * ask about (IRQ raised or masked, poll with n of weight, GRO merge/hold/flush, ECMP choice, drop and why).
 */
package io.pktsim.core.trace;
