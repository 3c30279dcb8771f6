/**
 * The trace points of the NIC model: the events a student asks about between the wire and the NAPI poll
 * (a frame lands in ring slot k, the ring is full, an interrupt is raised, held back by coalescing or by a
 * mask, the coalescing timer fires), registered once with their number names so that sinks print them.
 *
 * <p>Linux 6.18 has no tracepoints at these places (the nearest are {@code irq_handler_entry} and
 * {@code napi_poll}); the names here are ours. With no sink attached each trace point is one branch.
 */
package io.pktsim.nic.trace;
