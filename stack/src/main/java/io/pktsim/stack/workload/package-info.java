/**
 * Workloads and the ISP side of a scenario: UDP sources (CBR, Poisson, on/off) and sinks; applications as
 * flow mixes over a pool of TCP connections ({@link io.pktsim.stack.workload.TcpFlows}): a browser with
 * Firefox's {@code max-persistent-connections-per-server}, a multi-thread downloader, P2P, a speed test; the
 * access network ({@link io.pktsim.stack.workload.AccessNetwork}): per-port line rate through drop-tail
 * {@link io.pktsim.stack.workload.LinkPipe}s, per-dial BRAS rate limits as token-bucket shapers or policers
 * (like {@code sch_tbf} / {@code act_police}, net/sched, Linux 6.18), servers at a round-trip propagation
 * delay; and streamed statistics (counters and fixed-range histograms; constant memory).
 *
 * <p>Every packet is a real frame built by the endpoints; routing through the ISP side reads real header
 * bytes (addresses, ports). Deliberate simplifications: the application models are flow-level (no HTTP
 * requests, keep-alive across pages, or piece selection); the ISP core is a propagation delay plus the server's
 * link; the balancer that picks a dial is a {@link io.pktsim.stack.workload.DialChooser} (the router and
 * {@code lb} provide the real one). See docs/workloads.md.
 */
package io.pktsim.stack.workload;
